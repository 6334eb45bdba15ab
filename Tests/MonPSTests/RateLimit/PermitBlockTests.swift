// Permits taken from the Redis bucket in blocks: the script's multi-permit grant, block sizing, and the
// guarantee that several instances together never admit more than the policy.

import Foundation
import Testing

@testable import MonPS

@Suite("Rate limiting with permit blocks", .hangGuard)
struct PermitBlockTests {
    let generous = RateLimitPolicy(name: "generous", limit: 6_400, windowSeconds: 60)  // burst 6,400: blocks ≤ 400

    @Test("the script grants as many wanted permits as fit, and refuses when none does")
    func scriptGrantsWhatFits() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let limiter = RedisRateLimiter(redis: client)
        let policy = RateLimitPolicy(name: "ten", limit: 10, windowSeconds: 600)  // 60 s per permit

        func ask(_ permits: Int) async throws -> [Int64] {
            let reply = try await client.evalScript(
                RedisRateLimiter.script, keys: [limiter.storageKey(for: "k")],
                args: [
                    String(policy.emissionIntervalMicroseconds), String(policy.burstToleranceMicroseconds),
                    String(permits),
                ])
            let values = reply.array?.compactMap { $0.integer }
            return try #require(values)
        }
        let first = try await ask(4)
        #expect(first[0] == 4 && first[1] == 6)  // granted, remaining
        let second = try await ask(10)
        #expect(second[0] == 6 && second[1] == 0)  // only what was left
        let refused = try await ask(3)
        #expect(refused[0] == 0 && refused[2] > 59_000_000 && refused[2] <= 60_000_000)  // retry after ~60 s
    }

    @Test("one permit per Redis call while requests are sparse; growing blocks for a busy client; back after a refusal")
    func blockSizing() {
        let clock = ManualContinuousClock()
        let blocks = PermitBlocks(lease: .milliseconds(100), clock: clock.closure)
        let key = "read:user:1"
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 1))
        blocks.record(key: key, asked: 1, granted: 1, remaining: 6_399, resetAfter: .milliseconds(10))
        // Spent within the lease: the next ask doubles, and the block's permits are spent in process.
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 2))
        blocks.record(key: key, asked: 2, granted: 2, remaining: 6_397, resetAfter: .milliseconds(30))
        guard case .admitted(let decision) = blocks.spend(key: key, policy: generous) else {
            Issue.record("expected a permit from the block")
            return
        }
        #expect(decision.allowed && decision.remaining == 6_397 && decision.limit == 6_400)
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 4))
        // While a block is on its way, concurrent requests ask for single permits.
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 1))
        blocks.record(key: key, asked: 4, granted: 4, remaining: 6_393, resetAfter: .milliseconds(70))
        for _ in 0..<3 {
            guard case .admitted = blocks.spend(key: key, policy: generous) else {
                Issue.record("expected a permit from the block")
                return
            }
        }
        // Unspent permits expire with the lease; the next block is smaller.
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 8))
        blocks.record(key: key, asked: 8, granted: 8, remaining: 6_385, resetAfter: .milliseconds(150))
        clock.advance(.milliseconds(100))
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 4))
        // A refusal forgets the key: one permit at a time again.
        blocks.record(key: key, asked: 4, granted: 0, remaining: 0, resetAfter: .seconds(60))
        #expect(blocks.spend(key: key, policy: generous) == .askRedis(permits: 1))
    }

    @Test("blocks never exceed 1/16 of the burst; small bursts are always decided one permit at a time")
    func blockCeiling() {
        let clock = ManualContinuousClock()
        let blocks = PermitBlocks(clock: clock.closure)
        let small = RateLimitPolicy(name: "small", limit: 31, windowSeconds: 60)
        #expect(askedSizes(blocks, key: "s", policy: small, rounds: 6) == [1, 1, 1, 1, 1, 1])
        let sizes = askedSizes(blocks, key: "g", policy: generous, rounds: 12)
        #expect(sizes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 400, 400, 400])
    }

    /// Asks Redis `rounds` times, each time granted in full and every permit spent before the lease ends; the
    /// block sizes asked for.
    func askedSizes(_ blocks: PermitBlocks, key: String, policy: RateLimitPolicy, rounds: Int) -> [Int] {
        var sizes: [Int] = []
        for _ in 0..<rounds {
            guard case .askRedis(let permits) = blocks.spend(key: key, policy: policy) else {
                Issue.record("expected to ask Redis after the block was spent")
                return sizes
            }
            sizes.append(permits)
            blocks.record(key: key, asked: permits, granted: permits, remaining: 1_000, resetAfter: .seconds(1))
            for _ in 1..<permits { _ = blocks.spend(key: key, policy: policy) }
        }
        return sizes
    }

    @Test("two instances with blocks, one key hammered concurrently: never more than the limit, and close to it")
    func instancesTogetherStayUnderTheLimit() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        // Lease long enough that no block expires during the test: the only loss is the unspent blocks.
        let instances = [
            RedisRateLimiter(redis: client, blocks: PermitBlocks(lease: .seconds(30))),
            RedisRateLimiter(redis: client, blocks: PermitBlocks(lease: .seconds(30))),
        ]
        // Blocks ≤ 40; one permit refilled every 135 s, so however slow the run, nothing refills during it.
        let policy = RateLimitPolicy(name: "day", limit: 640, windowSeconds: 86_400)
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var count = 0
                    for _ in 0..<100 where try await instances[worker % 2].tryAcquire(key: "k", policy: policy).allowed {
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(admitted <= 640)
        #expect(admitted >= 640 - 2 * PermitBlocks.maximumSize(for: policy))
        // Redis itself refuses what is left of the bucket.
        #expect(try await RedisRateLimiter(redis: client).tryAcquire(key: "k", policy: policy).allowed == false)
    }
}
