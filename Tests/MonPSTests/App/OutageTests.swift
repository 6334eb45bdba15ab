import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// A real `monps serve` process, its own PostgreSQL and Redis, and a request loop while one or both go away:
/// the outcomes an operator relies on during a failover (issue #21). No durations are asserted beyond generous
/// bounds that prove "does not hang".
@Suite("Outages under load", .serialized)
struct OutageTests {
    enum Fault: String, CustomTestStringConvertible, CaseIterable {
        case postgres, redis, both
        var testDescription: String { rawValue }
        var stopsPostgres: Bool { self != .redis }
        var stopsRedis: Bool { self != .postgres }
    }

    @Test("responses stay 2xx or 503 through the outage, recover, and SIGTERM then exits 0", arguments: Fault.allCases)
    func outageThenShutdown(fault: Fault) async throws {
        let postgres = try await PostgresServerProcess()
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        let environment = [
            "DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "MONPS_JWT_SECRETS": TestEnvironment.jwtSecret,
            "MONPS_RATE_LIMITS": #"{"read":{"*":{"limit":100000,"window":60}},"auth":{"*":{"limit":1000,"window":60}}}"#,
            "MONPS_SHUTDOWN_TIMEOUT": "15", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        try await ServerProcess.runCommand(["migrate"], environment: environment)
        let server = try await ServerProcess(environment: environment)
        let token = try await Self.accessToken(server)

        let loop = RequestLoop(url: server.baseURL + "/v1/bets?limit=50", token: token)
        let traffic = Task { await loop.run(workers: 16) }
        // The outage starts once traffic is seen succeeding (on a loaded machine the first answers can take seconds).
        let started = ContinuousClock.now
        while !loop.outcomes.contains(where: { $0.status == 200 }), ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(100))
        }

        loop.phase = .outage
        if fault.stopsPostgres { try await postgres.stop() }
        if fault.stopsRedis { redis.stop(forcefully: true) }
        if fault.stopsPostgres {
            // Readiness notices within a second or so (generous bound: 5 s).
            let readiness = try await Self.poll(server, path: "/readyz", until: 503, within: .seconds(5))
            #expect(readiness == 503, "/readyz answered \(readiness) (0: no answer) with PostgreSQL down\nlog:\n\(server.log.suffix(3000))")
        }
        // The outage lasts until the traffic has met it: a 503 while PostgreSQL is down, answers served while only
        // Redis is (waiting on what the requests saw, not on the clock; 20 of them, so some surely came after the stop).
        let needed = fault.stopsPostgres ? 1 : 20
        try await Eventually.until("requests during the outage", within: .seconds(60), every: .milliseconds(50)) {
            loop.outcomes.filter { $0.phase == .outage && $0.status == (fault.stopsPostgres ? 503 : 200) }.count >= needed
        }
        if fault.stopsPostgres { try await postgres.start() }
        if fault.stopsRedis { try await redis.start() }
        loop.phase = .recovered
        // Generous: the pool retries with a growing back-off, and on a loaded 2-core CI machine the outage (and so
        // the back-off) can last many seconds.
        let recovered = try await Self.poll(server, path: "/readyz", until: 200, within: .seconds(45))
        #expect(recovered == 200, "/readyz did not report ready after recovery\nlog:\n\(server.log.suffix(3000))")
        try await Eventually.until("a success after recovery", within: .seconds(60), every: .milliseconds(50)) {
            loop.outcomes.contains { $0.phase == .recovered && $0.status == 200 }
        }
        loop.stop()
        await traffic.value

        let outcomes = loop.outcomes
        let unexpected = outcomes.filter { $0.status != 200 && $0.status != 503 }
        #expect(unexpected.isEmpty, "statuses other than 200/503: \(unexpected.prefix(10))\nlog:\n\(server.log.suffix(4000))")
        // No duration bound: the suite runs beside dozens of others on two cores, where a request can take seconds.
        // A hang is a request without a response within the client's 60 s deadline (status 0).
        let hung = outcomes.filter { $0.status == 0 }
        #expect(hung.isEmpty, "\(hung.count) requests got no response: \(hung.prefix(5))")
        #expect(outcomes.contains { $0.phase == .before && $0.status == 200 })
        #expect(outcomes.contains { $0.phase == .recovered && $0.status == 200 }, "no success after recovery")
        if fault.stopsPostgres {
            #expect(outcomes.contains { $0.status == 503 }, "the outage was never seen by a request")
            #expect(loop.sample503?.retryAfter != nil, "503 without Retry-After")
            #expect(loop.sample503?.contentType == "application/problem+json")
        } else {
            #expect(outcomes.allSatisfy { $0.status == 200 }, "Redis going away must not fail requests")
        }

        let status = await server.terminate(waitingAtMost: .seconds(25))
        #expect(status == 0, "after SIGTERM: \(status.map { "exit status \($0)" } ?? "still running after 25 s")\n\(server.log.suffix(3000))")
    }

    static func accessToken(_ server: ServerProcess) async throws -> String {
        let body = #"{"email":"outage@example.com","password":"Outage-test-2026!","display_name":"Outage"}"#
        for path in ["/v1/auth/register", "/v1/auth/login"] {
            var request = HTTPClientRequest(url: server.baseURL + path)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let data = try await response.body.collect(upTo: 1 << 20)
            guard path.hasSuffix("login") else { continue }
            let json = try JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any]
            guard let token = json?["access_token"] as? String else {
                throw ServerProcess.Failure(description: "login failed: \(response.status) \(String(buffer: data))")
            }
            return token
        }
        fatalError("unreachable")
    }

    /// Polls `path` every 100 ms until it answers `wanted` or `limit` passes; returns the last status.
    static func poll(_ server: ServerProcess, path: String, until wanted: Int, within limit: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        var last = 0
        while ContinuousClock.now < deadline {
            last = (try? await HTTPProbe.status(port: server.port, path: path)) ?? 0
            if last == wanted { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }
}

/// Clients hammering one endpoint, recording every outcome with the phase it started in.
final class RequestLoop: Sendable {
    enum Phase: Sendable { case before, outage, recovered }

    struct Outcome: Sendable, CustomStringConvertible {
        var phase: Phase
        /// HTTP status, or 0 when the request failed without a response (timeout, connection reset).
        var status: Int
        var seconds: Double
        var description: String { "\(phase) \(status) \(String(format: "%.2f", seconds)) s" }
    }

    struct Problem: Sendable {
        var retryAfter: String?
        var contentType: String?
    }

    let url: String
    let token: String
    private let state = Mutex<(phase: Phase, running: Bool, outcomes: [Outcome], sample503: Problem?)>(
        (.before, true, [], nil))

    init(url: String, token: String) {
        self.url = url
        self.token = token
    }

    var phase: Phase {
        get { state.withLock { $0.phase } }
        set { state.withLock { $0.phase = newValue } }
    }
    var outcomes: [Outcome] { state.withLock { $0.outcomes } }
    var sample503: Problem? { state.withLock { $0.sample503 } }
    func stop() { state.withLock { $0.running = false } }

    /// The workers get a client of their own with a connection each: on `HTTPClient.shared` (8 connections per host)
    /// they would queue the test's own `/readyz` probes behind their requests.
    func run(workers: Int) async {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: workers)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        await withDiscardingTaskGroup { group in
            for _ in 0..<workers {
                group.addTask {
                    while self.state.withLock({ $0.running }) { await self.once(client) }
                }
            }
        }
        try? await client.shutdown()
    }

    private func once(_ client: HTTPClient) async {
        let phase = self.phase
        let start = ContinuousClock.now
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "authorization", value: "Bearer \(token)")
        var status = 0
        var problem: Problem?
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 4 << 20)
            status = Int(response.status.code)
            if status == 503 {
                problem = Problem(
                    retryAfter: response.headers.first(name: "retry-after"), contentType: response.headers.first(name: "content-type"))
            }
        } catch {
            status = 0
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        state.withLock { state in
            state.outcomes.append(Outcome(phase: phase, status: status, seconds: seconds))
            if let problem, state.sample503 == nil { state.sample503 = problem }
        }
        if status != 200 { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
