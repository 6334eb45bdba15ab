import Foundation
import Synchronization

/// Checks the dependencies a request needs, concurrently, each bounded by a timeout so `/readyz`
/// answers promptly even when a dependency hangs. Cheap under a flood of probes: one check runs at a time and
/// its answer is reused for a second (`ReadinessMemo`).
struct ReadinessProbe: Sendable {
    struct Check: Sendable, Equatable {
        var name: String
        var isUp: Bool
        var latencyMilliseconds: Double
        var error: String?
    }

    let database: Database
    let redis: RedisClient
    /// The database's lease deadline: PostgreSQL down shows within it (1 s for `serve`).
    var timeout: Duration = .seconds(1)
    let memo = ReadinessMemo(maxAge: .seconds(1))

    func run() async -> [Check] {
        await memo.checks { await checkNow() }
    }

    func checkNow() async -> [Check] {
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

/// The last readiness answer, reused while younger than `maxAge`; callers arriving while a check runs wait for it.
actor ReadinessMemo {
    let maxAge: Duration
    private var last: (at: ContinuousClock.Instant, checks: [ReadinessProbe.Check])?
    private var inFlight: Task<[ReadinessProbe.Check], Never>?

    init(maxAge: Duration) {
        self.maxAge = maxAge
    }

    func checks(_ run: @escaping @Sendable () async -> [ReadinessProbe.Check]) async -> [ReadinessProbe.Check] {
        if let last, ContinuousClock.now - last.at < maxAge { return last.checks }
        if let inFlight { return await inFlight.value }
        let task = Task { await run() }
        inFlight = task
        let checks = await task.value
        last = (ContinuousClock.now, checks)
        inFlight = nil
        return checks
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
