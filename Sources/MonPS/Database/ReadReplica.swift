import Logging
import Synchronization

/// The read replica (`DATABASE_READ_URL`): a pool of its own, and whether it may be used right now.
///
/// A replica that fails (refused, lost, no connection within the lease timeout) is left alone for `restTime`; the
/// reads go to the primary meanwhile, so a replica outage costs at most one lease timeout per `restTime`.
public final class ReadReplica: Sendable {
    let database: Database
    let restTime: Duration
    private let downUntil = Mutex<ContinuousClock.Instant?>(nil)

    init(database: Database, restTime: Duration = .seconds(10)) {
        self.database = database
        self.restTime = restTime
    }

    var isUsable: Bool {
        downUntil.withLock { until in
            guard let deadline = until else { return true }
            if ContinuousClock.now >= deadline {
                until = nil
                return true
            }
            return false
        }
    }

    func markDown(_ error: DatabaseUnavailable, logger: Logger) {
        let wasUp = downUntil.withLock { until in
            defer { until = ContinuousClock.now + restTime }
            return until == nil
        }
        if wasUp {
            logger.warning(
                "read replica unavailable: reads go to the primary",
                metadata: ["error": "\(error)", "retry_in": "\(restTime)"])
        }
    }
}

/// Whether the queries of the current request may be answered by the replica. Task-local, set by
/// `ReadRoutingMiddleware` on GET/HEAD requests only. Everything else (writes, jobs, CLI commands, a body streamed
/// after its handler returned) has none and reads the primary.
enum ReadRouting {
    @TaskLocal static var permission: ReplicaPermission?
}

/// The answer to "may this request read the replica?", asked at most once per request and only when a statement
/// would go there: most GETs never touch the replica, so they never pay for the question (a Redis round trip).
final class ReplicaPermission: Sendable {
    private let decide: @Sendable () async -> Bool
    private let decision = Mutex<Task<Bool, Never>?>(nil)

    init(_ decide: @escaping @Sendable () async -> Bool) {
        self.decide = decide
    }

    func allowed() async -> Bool {
        let task = decision.withLock { decision in
            if let decision { return decision }
            let asked = Task { await decide() }
            decision = asked
            return asked
        }
        return await task.value
    }
}
