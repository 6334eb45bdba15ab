// GCRA in memory: the fallback while Redis is unreachable.

import Synchronization

/// The same GCRA as `RedisRateLimiter`, per process, on the monotonic clock.
///
/// Used by `FailoverRateLimiter` while Redis is down: limits then hold per instance rather than globally.
/// Memory is bounded: expired buckets (state equivalent to a fresh key) are swept every `sweepInterval`
/// operations and whenever the table is full; if it is still full after a sweep, arbitrary buckets are
/// dropped down to 90 % of `maximumKeys` (those clients get a fresh bucket — the safe direction for a fallback).
public final class InProcessRateLimiter: RateLimiter {
    private struct State {
        var tats: [String: Int64] = [:]
        var operationsSinceSweep = 0
    }

    public let maximumKeys: Int
    private let sweepInterval: Int
    private let state = Mutex(State())
    private let origin = ContinuousClock.now

    public init(maximumKeys: Int = 100_000, sweepInterval: Int = 1024) {
        self.maximumKeys = max(1, maximumKeys)
        self.sweepInterval = max(1, sweepInterval)
    }

    public func acquire(key: String, policy: RateLimitPolicy) async -> RateLimitDecision {
        acquire(key: key, policy: policy, at: nowMicroseconds())
    }

    /// `acquire` at an explicit time (microseconds on this limiter's monotonic scale), for tests.
    public func acquire(key: String, policy: RateLimitPolicy, at now: Int64) -> RateLimitDecision {
        let outcome = state.withLock { state -> GCRA.Outcome in
            let outcome = GCRA.evaluate(
                storedTAT: state.tats[key], now: now, interval: policy.emissionIntervalMicroseconds,
                tolerance: policy.burstToleranceMicroseconds)
            if let newTAT = outcome.newTAT {
                if state.tats[key] == nil && state.tats.count >= maximumKeys { Self.makeRoom(&state, now: now, maximum: maximumKeys) }
                state.tats[key] = newTAT
            }
            state.operationsSinceSweep += 1
            if state.operationsSinceSweep >= sweepInterval {
                Self.sweep(&state, now: now)
            }
            return outcome
        }
        return GCRA.decision(outcome, policy: policy)
    }

    /// Number of buckets held (for tests and diagnostics).
    public var keyCount: Int { state.withLock { $0.tats.count } }

    /// Microseconds since this limiter was created (monotonic).
    public func nowMicroseconds() -> Int64 {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    private static func sweep(_ state: inout State, now: Int64) {
        state.tats = state.tats.filter { $0.value > now }
        state.operationsSinceSweep = 0
    }

    private static func makeRoom(_ state: inout State, now: Int64, maximum: Int) {
        sweep(&state, now: now)
        guard state.tats.count >= maximum else { return }
        let target = maximum * 9 / 10
        var excess = state.tats.count - target
        for key in state.tats.keys where excess > 0 {
            state.tats[key] = nil
            excess -= 1
        }
    }
}
