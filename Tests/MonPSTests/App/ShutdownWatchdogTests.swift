import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import MonPS

/// The bounded drain: past the timeout what remains is cancelled and named in the log; what ignores even
/// cancellation ends the process with status 1.
@Suite("Shutdown watchdog", .hangGuard)
struct ShutdownWatchdogTests {
    /// Ignores graceful shutdown; stops only when cancelled (a request stuck on I/O that honours cancellation).
    struct Stubborn: Service {
        func run() async throws {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Ignores graceful shutdown and cancellation alike for `holdFor`.
    struct Unstoppable: Service {
        let holdFor: Duration
        func run() async throws {
            // An unstructured task: the group's cancellation does not reach it.
            let holdFor = self.holdFor
            await Task { try? await Task.sleep(for: holdFor) }.value
        }
    }

    private func run(_ service: any Service, name: String) async throws -> (lines: [String], expired: Bool, exits: [Int32]) {
        let lines = Mutex<[String]>([])
        let exits = Mutex<[Int32]>([])
        let handler = LogfmtLogHandler(label: "test", level: .info) { line in lines.withLock { $0.append(line) } }
        let logger = Logger(label: "test") { _ in handler }
        let roster = ServiceRoster()
        let requests = InFlightRequests()
        _ = requests.begin(method: "GET", path: "/v1/shared/secret-token", at: .now)
        let handle = CancelHandle()
        let watchdog = ShutdownWatchdog(
            timeout: .milliseconds(300), grace: .milliseconds(300), logger: logger, requests: requests, roster: roster,
            cancelRemaining: handle, exitProcess: { code in exits.withLock { $0.append(code) } })
        let configuration = ServiceGroupConfiguration(
            services: [.init(service: roster.track(name, service)), .init(service: watchdog)], logger: logger)
        let group = ServiceGroup(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await handle.run { try await group.run() } }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(700))  // past the grace
        return (lines.withLock { $0 }, watchdog.didExpire, exits.withLock { $0 })
    }

    @Test("past the timeout the stuck service is cancelled, named, and the shutdown reports it expired")
    func cancelsAndNames() async throws {
        let (lines, expired, exits) = try await run(Stubborn(), name: "stubborn")
        #expect(expired)
        let report = try #require(lines.first { $0.contains("shutdown did not finish in time") })
        #expect(report.contains("stubborn"))
        #expect(report.contains("GET /v1/shared/{token}"), "in-flight requests named, their secrets not: \(report)")
        #expect(!report.contains("secret-token"))
        #expect(exits.isEmpty, "cancellation stopped it: no forced exit")
    }

    @Test("what ignores cancellation too ends the process with status 1")
    func forcedExit() async throws {
        let (lines, expired, exits) = try await run(Unstoppable(holdFor: .milliseconds(2000)), name: "unstoppable")
        #expect(expired)
        #expect(exits == [1])
        #expect(lines.contains { $0.contains("shutdown still blocked after cancelling") && $0.contains("unstoppable") })
    }
}
