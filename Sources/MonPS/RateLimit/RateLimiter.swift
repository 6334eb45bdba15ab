// The rate-limiter interface, its decision type, and the GCRA arithmetic shared by every implementation.

/// The outcome of one `acquire`.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The policy's `limit` (requests per window).
    public var limit: Int
    /// Requests that would still be admitted right now (0 when denied).
    public var remaining: Int
    /// Time until the bucket is full again (all `burst` requests available).
    public var resetAfter: Duration
    /// When denied: time until one request would be admitted. Zero when allowed.
    public var retryAfter: Duration

    public init(allowed: Bool, limit: Int, remaining: Int, resetAfter: Duration, retryAfter: Duration) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = max(0, remaining)
        self.resetAfter = max(.zero, resetAfter)
        self.retryAfter = max(.zero, retryAfter)
    }

    /// `resetAfter` in whole seconds, rounded up.
    public var resetAfterSeconds: Int { Self.ceilingSeconds(resetAfter) }

    /// `retryAfter` in whole seconds, rounded up; at least 1 when denied (a `Retry-After: 0` invites a retry storm).
    public var retryAfterSeconds: Int {
        allowed ? Self.ceilingSeconds(retryAfter) : max(1, Self.ceilingSeconds(retryAfter))
    }

    static func ceilingSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}

/// Decides whether one more request fits a key's bucket (and counts it if so).
///
/// Keys are opaque (`RateLimitMiddleware` uses `<route class>:<principal kind>:<id>`); implementations add
/// their own namespace. Implementations never throw: a backend failure is their own business (see
/// `FailoverRateLimiter`).
public protocol RateLimiter: Sendable {
    func acquire(key: String, policy: RateLimitPolicy) async -> RateLimitDecision
}

/// GCRA (generic cell rate algorithm) on microsecond integers. The Lua script of `RedisRateLimiter` asked
/// for one permit computes exactly `evaluate` (it also grants several at once); keep them in step.
///
/// State per key: the theoretical arrival time `tat` of the next request. A request at `now` is admitted
/// when `max(tat, now) + interval - tolerance <= now`; admitting it moves `tat` to `max(tat, now) + interval`.
/// A key whose `tat <= now` is equivalent to a missing key, so it may expire at `tat`.
enum GCRA {
    struct Outcome: Equatable {
        var allowed: Bool
        var remaining: Int
        var retryAfterMicroseconds: Int64
        var resetAfterMicroseconds: Int64
        /// The new `tat` to store when allowed (expires `newTAT - now` µs from now).
        var newTAT: Int64?
    }

    static func evaluate(storedTAT: Int64?, now: Int64, interval: Int64, tolerance: Int64) -> Outcome {
        let tat = max(storedTAT ?? now, now)
        let newTAT = tat + interval
        let allowAt = newTAT - tolerance
        if now < allowAt {
            return Outcome(
                allowed: false, remaining: 0, retryAfterMicroseconds: allowAt - now,
                resetAfterMicroseconds: tat - now, newTAT: nil)
        }
        return Outcome(
            allowed: true, remaining: Int((tolerance - (newTAT - now)) / interval), retryAfterMicroseconds: 0,
            resetAfterMicroseconds: newTAT - now, newTAT: newTAT)
    }

    static func decision(_ outcome: Outcome, policy: RateLimitPolicy) -> RateLimitDecision {
        RateLimitDecision(
            allowed: outcome.allowed, limit: policy.limit, remaining: outcome.remaining,
            resetAfter: .microseconds(outcome.resetAfterMicroseconds),
            retryAfter: .microseconds(outcome.retryAfterMicroseconds))
    }
}
