import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

#if canImport(Glibc)
import Glibc
#endif

/// Exactly once, end to end: a real `monps worker` process delivering to a slow receiver is killed with
/// SIGKILL mid-delivery and started again. Every event must reach the receiver (at least once: the receiver
/// deduplicates by `X-MonPS-Event-Id`) and be marked delivered exactly once; none may be lost.
@Suite("Webhook delivery survives SIGKILL", .serialized)
struct WebhookKillTests {
    typealias Support = WebhookTestSupport

    @Test("a worker killed mid-delivery and restarted delivers every event")
    func killedWorker() async throws {
        let sink = try await WebhookSink.start()
        sink.answer(.status(200), delay: .milliseconds(400))
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        let count = 24
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let user = try await Support.userID(app, token: token)
            let hook = try await Support.create(
                client, token: token, json: #"{"kind":"generic","name":"K","events":["bet.settled"],"url":"\#(sink.baseURL)/k"}"#)
            var events: Set<String> = []
            var deliveries: [Int64] = []
            for _ in 0..<count {
                let (event, delivery) = try await Support.enqueue(app, user: user, webhook: hook.id)
                events.insert(String(event))
                deliveries.append(delivery)
            }

            let database = app.services.config.database
            let environment = [
                "DATABASE_URL": "postgres://\(database.username):\(database.password ?? "")@\(database.host):\(database.port)/\(database.database)",
                "REDIS_URL": TestEnvironment.redisURL, "MONPS_JWT_SECRETS": TestEnvironment.jwtSecret,
                "MONPS_DATA_KEY": Support.dataKey, "MONPS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "MONPS_DELIVERY": "true",
                "MONPS_WEBHOOK_TIMEOUT_MS": "1500", "MONPS_DELIVERY_CONCURRENCY": "4", "MONPS_DELIVERY_POLL_MS": "100",
                "MONPS_LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            ]
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("monps-worker-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let first = try Subprocess.spawn(ServerProcess.binary.path, ["worker"], environment: environment, logPath: log.path)
            // Kill it while requests are in flight: some have arrived, the receiver has not answered them yet.
            try await sink.waitFor(6, within: .seconds(60))
            kill(first, SIGKILL)
            while Subprocess.exitStatus(of: first) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let deliveredAtKill = try await Self.delivered(app, deliveries)
            #expect(deliveredAtKill < count, "the worker finished before it was killed")

            let second = try Subprocess.spawn(ServerProcess.binary.path, ["worker"], environment: environment, logPath: log.path)
            defer {
                kill(second, SIGKILL)
                _ = Subprocess.exitStatus(of: second)
            }
            let deadline = ContinuousClock.now + .seconds(90)
            while try await Self.delivered(app, deliveries) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            let arrived = sink.received.compactMap { $0.headers["x-monps-event-id"] }
            #expect(events.isSubset(of: Set(arrived)), "lost: \(events.subtracting(arrived).sorted())")
            let rows = try await app.services.database.query(
                "SELECT status, count(*) FROM notification_deliveries WHERE id = ANY(\(deliveries)) GROUP BY status"
            ).map { try $0.decode((String, Int).self) }
            #expect(rows.count == 1 && rows.first?.0 == "delivered" && rows.first?.1 == count,
                    "\(rows)\n\((try? String(contentsOf: log, encoding: .utf8))?.suffix(3000) ?? "")")
            // Sent again only what the killed worker had in flight: at most one batch more than the events.
            #expect(arrived.count <= count + 4)
        }
        await sink.stop()
    }

    static func delivered(_ app: TestApp, _ ids: [Int64]) async throws -> Int {
        try await app.services.database.query(
            "SELECT count(*) FROM notification_deliveries WHERE id = ANY(\(ids)) AND status = 'delivered'"
        ).first?.decode(Int.self) ?? 0
    }
}
