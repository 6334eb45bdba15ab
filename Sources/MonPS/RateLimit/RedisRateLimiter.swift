// GCRA in one atomic Lua script, with the clock of the Redis server (or one the caller gives).

/// Rate limiting shared by every instance of the API: one `EVALSHA` per decision, atomic, clocked by
/// `redis.call('TIME')` (so instances with skewed clocks agree), keys expiring as soon as their bucket is
/// full again (at most `burst × window / limit` after the last admitted request).
///
/// `tryAcquire` throws the client's `RedisError`; wrap it in `FailoverRateLimiter` rather than using it
/// directly as a `RateLimiter` (whose conformance here fails *open* on errors).
///
/// With `blocks`, a key sending many requests takes its permits from Redis several at a time and spends
/// them in process (`PermitBlocks`: never more than the limit, at most one block early).
public struct RedisRateLimiter: RateLimiter {
    /// Whose time the buckets are measured in.
    public enum Clock: Sendable {
        /// The Redis server's (`TIME`, read inside the script): one clock for every instance.
        case redis
        /// Microseconds since the epoch from the caller, sent with each decision (tests step it instead of waiting).
        case given(@Sendable () -> Int64)
    }

    public let redis: RedisClient
    /// Prepended to keys (after the client's own `keyPrefix`).
    public let namespace: String
    let blocks: PermitBlocks?
    let clock: Clock

    public init(redis: RedisClient, namespace: String = "rl:", clock: Clock = .redis) {
        self.init(redis: redis, namespace: namespace, blocks: nil, clock: clock)
    }

    init(redis: RedisClient, namespace: String = "rl:", blocks: PermitBlocks?, clock: Clock = .redis) {
        self.redis = redis
        self.namespace = namespace
        self.blocks = blocks
        self.clock = clock
    }

    /// The Redis key (without the client's prefix) that holds `key`'s bucket.
    public func storageKey(for key: String) -> String { namespace + key }

    public func tryAcquire(key: String, policy: RateLimitPolicy) async throws -> RateLimitDecision {
        var permits = 1
        if let blocks {
            switch blocks.spend(key: key, policy: policy) {
            case .admitted(let decision): return decision
            case .askRedis(let asked): permits = asked
            }
        }
        var arguments = [
            String(policy.emissionIntervalMicroseconds), String(policy.burstToleranceMicroseconds), String(permits),
        ]
        if case .given(let now) = clock { arguments.append(String(now())) }
        let reply = try await redis.evalScript(Self.script, keys: [storageKey(for: key)], args: arguments)
        guard let values = reply.array, values.count == 4, let granted = values[0].integer,
            let remaining = values[1].integer, let retry = values[2].integer, let reset = values[3].integer,
            (0...Int64(permits)).contains(granted)
        else { throw RedisError.protocolError("unexpected reply from the rate-limit script: \(reply)") }
        let outcome = GCRA.Outcome(
            allowed: granted > 0, remaining: Int(remaining), retryAfterMicroseconds: retry,
            resetAfterMicroseconds: reset, newTAT: nil)
        blocks?.record(
            key: key, asked: permits, granted: Int(granted), remaining: Int(remaining), resetAfter: .microseconds(reset))
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

    /// KEYS[1] bucket; ARGV[1] emission interval (µs), ARGV[2] burst tolerance (µs), ARGV[3] permits wanted,
    /// ARGV[4] the time in µs (`Clock.given`; without it the server's `TIME`).
    /// Grants as many of the wanted permits as fit now (the k-th fits when `tat + k × interval - tolerance <=
    /// now`; with one permit this is plain GCRA, `GCRA.evaluate`).
    /// Returns {granted, remaining, retry_after µs, reset_after µs}. Microsecond timestamps (~1.8e15)
    /// are exact in Lua's doubles (< 2^53); the stored value is written with %.0f to avoid exponent notation.
    static let script = RedisScript(
        """
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local wanted = tonumber(ARGV[3] or '1')
        local now = tonumber(ARGV[4] or '')
        if not now then
          local clock = redis.call('TIME')
          now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        end
        local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
        if tat < now then tat = now end
        local fit = math.floor((now + tolerance - tat) / interval)
        if fit < 1 then
          return {0, 0, tat + interval - tolerance - now, tat - now}
        end
        local granted = math.min(wanted, fit)
        local new_tat = tat + granted * interval
        redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
        return {granted, math.floor((tolerance - (new_tat - now)) / interval), 0, new_tat - now}
        """)
}
