// GCRA in one atomic Lua script, with the clock of the Redis server.

/// Rate limiting shared by every instance of the API: one `EVALSHA` per decision, atomic, clocked by
/// `redis.call('TIME')` (so instances with skewed clocks agree), keys expiring as soon as their bucket is
/// full again (at most `burst × window / limit` after the last admitted request).
///
/// `tryAcquire` throws the client's `RedisError`; wrap it in `FailoverRateLimiter` rather than using it
/// directly as a `RateLimiter` (whose conformance here fails *open* on errors).
public struct RedisRateLimiter: RateLimiter {
    public let redis: RedisClient
    /// Prepended to keys (after the client's own `keyPrefix`).
    public let namespace: String

    public init(redis: RedisClient, namespace: String = "rl:") {
        self.redis = redis
        self.namespace = namespace
    }

    /// The Redis key (without the client's prefix) that holds `key`'s bucket.
    public func storageKey(for key: String) -> String { namespace + key }

    public func tryAcquire(key: String, policy: RateLimitPolicy) async throws -> RateLimitDecision {
        let reply = try await redis.evalScript(
            Self.script, keys: [storageKey(for: key)],
            args: [String(policy.emissionIntervalMicroseconds), String(policy.burstToleranceMicroseconds)])
        guard let values = reply.array, values.count == 4, let allowed = values[0].integer,
            let remaining = values[1].integer, let retry = values[2].integer, let reset = values[3].integer
        else { throw RedisError.protocolError("unexpected reply from the rate-limit script: \(reply)") }
        let outcome = GCRA.Outcome(
            allowed: allowed == 1, remaining: Int(remaining), retryAfterMicroseconds: retry,
            resetAfterMicroseconds: reset, newTAT: nil)
        return GCRA.decision(outcome, policy: policy)
    }

    /// Fails open (admits the request with a full bucket) when Redis fails. Prefer `FailoverRateLimiter`.
    public func acquire(key: String, policy: RateLimitPolicy) async -> RateLimitDecision {
        do {
            return try await tryAcquire(key: key, policy: policy)
        } catch {
            return RateLimitDecision(allowed: true, limit: policy.limit, remaining: policy.burst, resetAfter: .zero, retryAfter: .zero)
        }
    }

    /// KEYS[1] bucket; ARGV[1] emission interval (µs), ARGV[2] burst tolerance (µs).
    /// Returns {allowed 0|1, remaining, retry_after µs, reset_after µs}. Microsecond timestamps (~1.8e15)
    /// are exact in Lua's doubles (< 2^53); the stored value is written with %.0f to avoid exponent notation.
    static let script = RedisScript(
        """
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
        if tat < now then tat = now end
        local new_tat = tat + interval
        local allow_at = new_tat - tolerance
        if now < allow_at then
          return {0, 0, allow_at - now, tat - now}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
        return {1, math.floor((tolerance - (new_tat - now)) / interval), 0, new_tat - now}
        """)
}
