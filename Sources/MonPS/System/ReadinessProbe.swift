import Foundation
import Synchronization

/// Checks the dependencies a request needs, concurrently, each bounded by a timeout so `/readyz`
/// answers promptly even when a dependency hangs.
struct ReadinessProbe: Sendable {
    struct Check: Sendable, Equatable {
        var name: String
        var isUp: Bool
        var latencyMilliseconds: Double
        var error: String?
    }

    let database: Database
    let redis: RedisClient
    /// PostgreSQL down must show within a second (the statement's own lease deadline is 1 s too).
    var timeout: Duration = .seconds(1)

    func run() async -> [Check] {
        async let postgres = check("postgres") { try await database.query("SELECT 1") }
        async let redisCheck = check("redis") { try await redis.ping() }
        return await [postgres, redisCheck]
    }

    private func check(_ name: String, _ probe: @escaping @Sendable () async throws -> Void) async -> Check {
        let start = ContinuousClock.now
        do {
            try await withDeadline(timeout, probe)
            return Check(name: name, isUp: true, latencyMilliseconds: milliseconds(since: start), error: nil)
        } catch is DeadlineExceeded {
            return Check(name: name, isUp: false, latencyMilliseconds: milliseconds(since: start), error: "no answer within \(timeout)")
        } catch {
            return Check(name: name, isUp: false, latencyMilliseconds: milliseconds(since: start), error: "unreachable")
        }
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Double {
        Double((ContinuousClock.now - start).nanoseconds) / 1_000_000
    }
}

struct DeadlineExceeded: Error {}

/// Runs `work`, giving up with `DeadlineExceeded` after `timeout`. The work is cancelled but not awaited:
/// a client stuck connecting (PostgreSQL down) must not hold up the answer.
func withDeadline<Result: Sendable>(
    _ timeout: Duration, _ work: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let slot = ContinuationSlot<Result>()
    return try await withCheckedThrowingContinuation { continuation in
        slot.fill(continuation)
        let worker = Task {
            let result: Swift.Result<Result, any Error>
            do { result = .success(try await work()) } catch { result = .failure(error) }
            slot.take()?.resume(with: result)
        }
        Task {
            try? await Task.sleep(for: timeout)
            if let pending = slot.take() {
                worker.cancel()
                pending.resume(throwing: DeadlineExceeded())
            }
        }
    }
}

/// Hands a continuation to whichever of two racing tasks finishes first, exactly once.
private final class ContinuationSlot<Result: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Result, any Error>?>(nil)

    func fill(_ value: CheckedContinuation<Result, any Error>) {
        continuation.withLock { $0 = value }
    }

    func take() -> CheckedContinuation<Result, any Error>? {
        continuation.withLock { $0.take() }
    }
}
