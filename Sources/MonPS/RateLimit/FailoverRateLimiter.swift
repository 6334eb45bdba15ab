// Redis first, in-process while Redis is unreachable, back to Redis by itself.

import Logging
import Metrics

/// The limiter to use in the server: `RedisRateLimiter` normally; `InProcessRateLimiter` while Redis fails
/// (logged once at warning, counted in `monps_ratelimit_fallback_total{component="rate_limiter"}`),
/// probing Redis again at most once per `probeInterval`, and back on Redis after a successful probe
/// (logged at notice). Buckets are not copied between the two: switching over starts from fresh buckets.
public final class FailoverRateLimiter: RateLimiter {
    public let primary: RedisRateLimiter
    public let fallback: InProcessRateLimiter
    public let gate: RedisFallbackGate

    public init(
        redis: RedisClient,
        blocks: Bool = false,
        fallback: InProcessRateLimiter = InProcessRateLimiter(),
        probeInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "monps.ratelimit"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.primary = RedisRateLimiter(redis: redis, blocks: blocks ? PermitBlocks() : nil)
        self.fallback = fallback
        self.gate = RedisFallbackGate(
            component: "rate_limiter", counterLabel: "monps_ratelimit_fallback_total", probeInterval: probeInterval,
            logger: logger, metricsFactory: metricsFactory)
    }

    public func acquire(key: String, policy: RateLimitPolicy) async -> RateLimitDecision {
        let primary = self.primary
        let fallback = self.fallback
        return await gate.run {
            try await primary.tryAcquire(key: key, policy: policy)
        } fallback: {
            await fallback.acquire(key: key, policy: policy)
        }
    }

    /// Whether decisions currently come from the in-process limiter.
    public var isUsingFallback: Bool { gate.isUsingFallback }

    /// Decisions taken by the in-process limiter since creation.
    public var fallbackDecisionCount: Int { gate.fallbackCount }
}
