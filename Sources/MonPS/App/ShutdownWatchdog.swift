import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Bounds a graceful shutdown. After `timeout` the watchdog logs what has not stopped (requests still in flight,
/// services still running), then cancels what remains through `cancelRemaining`, and ends the process with
/// status 1 if even cancellation does not stop it within `grace`. (Logging first, then cancelling: a
/// cancellation racing the log would leave it naming nothing.)
///
/// It is the last service of the group, so graceful shutdown (which runs in reverse order) reaches it first:
/// that moment starts the clock. It then returns at once and lets the shutdown go on.
final class ShutdownWatchdog: Service, Sendable {
    let timeout: Duration
    let grace: Duration
    let logger: Logger
    let requests: InFlightRequests
    let roster: ServiceRoster
    /// Cancels the service group (the task running it).
    let cancelRemaining: CancelHandle
    /// Ends the process (tests observe it instead).
    let exitProcess: @Sendable (Int32) -> Void
    private let expired = Atomic<Bool>(false)

    init(
        timeout: Duration, grace: Duration = .seconds(5), logger: Logger, requests: InFlightRequests, roster: ServiceRoster,
        cancelRemaining: CancelHandle, exitProcess: @escaping @Sendable (Int32) -> Void = { exit($0) }
    ) {
        self.cancelRemaining = cancelRemaining
        self.timeout = timeout
        self.grace = grace
        self.logger = logger
        self.requests = requests
        self.roster = roster
        self.exitProcess = exitProcess
    }

    /// Whether the shutdown outlasted `timeout` (the process should then exit non-zero).
    var didExpire: Bool { expired.load(ordering: .acquiring) }

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down", metadata: ["timeout_s": .stringConvertible(timeout.components.seconds)])
        // Unstructured on purpose: it must outlive this service, which returns now so the shutdown can proceed.
        Task { [self] in
            try? await Task.sleep(for: timeout)
            expired.store(true, ordering: .releasing)
            logger.error("shutdown did not finish in time; cancelling what remains", metadata: stuckMetadata())
            cancelRemaining.cancel()
            try? await Task.sleep(for: grace)
            guard !roster.running.isEmpty else { return }  // everything stopped once cancelled
            logger.critical("shutdown still blocked after cancelling; exiting", metadata: stuckMetadata())
            exitProcess(1)
        }
    }

    private func stuckMetadata() -> Logger.Metadata {
        [
            "requests_in_flight": .stringConvertible(requests.count),
            "requests": .array(requests.describe().map { .string($0) }),
            "services_running": .array(roster.running.map { .string($0) }),
        ]
    }
}

/// Cancels the task it is given (the one running the service group), once that task exists.
public final class CancelHandle: Sendable {
    private let task = Mutex<Task<Void, any Error>?>(nil)

    public init() {}

    func set(_ task: Task<Void, any Error>) { self.task.withLock { $0 = task } }
    func cancel() { task.withLock { $0 }?.cancel() }

    /// Runs `body` in a task this handle can cancel, and waits for it.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let running = Task { try await body() }
        set(running)
        try await running.value
    }
}

/// Which named services of the process are still running.
public final class ServiceRoster: Sendable {
    private let names = Mutex<[String: Int]>([:])

    public init() {}

    /// `service`, reporting to this roster while it runs.
    func track(_ name: String, _ service: any Service) -> any Service {
        TrackedService(name: name, service: service, roster: self)
    }

    var running: [String] { names.withLock { $0.filter { $0.value > 0 }.keys.sorted() } }

    fileprivate func started(_ name: String) { names.withLock { $0[name, default: 0] += 1 } }
    fileprivate func stopped(_ name: String) { names.withLock { $0[name, default: 1] -= 1 } }
}

private struct TrackedService: Service {
    let name: String
    let service: any Service
    let roster: ServiceRoster

    func run() async throws {
        roster.started(name)
        defer { roster.stopped(name) }
        try await service.run()
    }
}

/// The graceful shutdown did not finish within `MONPS_SHUTDOWN_TIMEOUT`.
public struct ShutdownTimedOut: Error, CustomStringConvertible {
    public var description: String { "the graceful shutdown did not finish in time (see the log for what did not stop)" }
}
