// Permits taken from the shared Redis bucket in blocks, spent in process.

import Synchronization

/// Lets `RedisRateLimiter` take several permits from a key's Redis bucket in one round trip and admit the
/// following requests of that key in process, while the block lasts.
///
/// - Never more than the limit: permits are reserved in Redis (the bucket advances by the whole block)
///   before any of them admits a request, so every instance together still admits at most what the policy
///   allows. The cost is the other way: permits left when a block expires are lost, so a client can be
///   refused slightly early — by at most one block per instance, since only one block of a key is asked
///   for at a time (concurrent requests meanwhile ask Redis for one permit each).
/// - Block sizes adapt per key: one permit at first; doubled each time a block was spent before it
///   expired; halved when permits expired unused; back to one after a refusal; never above 1/16 of the
///   policy's burst. A key requested now and then (or any policy with a burst under 32) is decided by Redis
///   for every request, exactly as without blocks; only a client sending many requests per `lease` under a
///   generous policy is served from blocks.
/// - `remaining` in a decision from a block is Redis' count when the block was taken plus the block's
///   unspent permits; other instances' use since then is not seen.
final class PermitBlocks: Sendable {
    struct Block {
        var unspent = 0
        var nextSize = 1
        var expiresAt: ContinuousClock.Instant
        /// What Redis said when the block was taken.
        var remainingAtGrant = 0
        var resetAt: ContinuousClock.Instant
        /// Until when a request asking for a block is waiting for Redis (a failed one is forgotten after it).
        var blockAskedUntil: ContinuousClock.Instant?
    }

    /// How long a block's permits may be spent.
    let lease: Duration
    /// Keys kept before expired blocks are swept.
    let sweepThreshold: Int
    private let blocks = Mutex<[String: Block]>([:])
    private let clock: @Sendable () -> ContinuousClock.Instant

    init(
        lease: Duration = .milliseconds(100), sweepThreshold: Int = 10_000,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.lease = lease
        self.sweepThreshold = sweepThreshold
        self.clock = clock
    }

    /// The largest block for `policy`.
    static func maximumSize(for policy: RateLimitPolicy) -> Int { max(1, policy.burst / 16) }

    /// Spends a permit of `key`'s current block, or says how many permits to ask Redis for.
    func spend(key: String, policy: RateLimitPolicy) -> Spending {
        let now = clock()
        return blocks.withLock { blocks -> Spending in
            guard var block = blocks[key] else { return .askRedis(permits: 1) }
            if block.unspent > 0 && now < block.expiresAt {
                block.unspent -= 1
                blocks[key] = block
                return .admitted(
                    RateLimitDecision(
                        allowed: true, limit: policy.limit, remaining: block.remainingAtGrant + block.unspent,
                        resetAfter: block.resetAt - now, retryAfter: .zero))
            }
            if let asked = block.blockAskedUntil, now < asked { return .askRedis(permits: 1) }
            // Spent in time: the client keeps up, take more; expired unspent: take less.
            let spentInTime = block.unspent == 0 && now < block.expiresAt
            let size = min(spentInTime ? block.nextSize * 2 : max(1, block.nextSize / 2), Self.maximumSize(for: policy))
            block.nextSize = size
            if size > 1 { block.blockAskedUntil = now + .seconds(1) }
            blocks[key] = block
            return .askRedis(permits: size)
        }
    }

    /// Records what Redis granted for `key` after `spend` said `.askRedis(permits: asked)`: `granted`
    /// permits (one of them admitting the current request), 0 when refused.
    func record(key: String, asked: Int, granted: Int, remaining: Int, resetAfter: Duration) {
        let now = clock()
        blocks.withLock { blocks in
            if granted == 0 {
                blocks[key] = nil  // near the limit: every request goes to Redis again
                return
            }
            if blocks.count >= sweepThreshold { blocks = blocks.filter { $0.value.expiresAt > now } }
            var block = blocks[key] ?? Block(expiresAt: now, resetAt: now)
            // Single permits asked for while a block was on its way may land after it: keep its permits.
            block.unspent = (now < block.expiresAt ? block.unspent : 0) + granted - 1
            if asked > 1 { block.blockAskedUntil = nil }
            block.expiresAt = now + lease
            block.remainingAtGrant = remaining
            block.resetAt = now + resetAfter
            blocks[key] = block
        }
    }

    enum Spending: Equatable {
        case admitted(RateLimitDecision)
        case askRedis(permits: Int)
    }
}
