// RedisRateLimiter (GCRA in Lua), InProcessRateLimiter, FailoverRateLimiter and the fallback gate.

import Foundation
import Synchronization
import Testing

@testable import MonPS

@Suite("Rate limiters", .hangGuard)
struct RateLimiterTests {
    let fivePerTen = RateLimitPolicy(name: "test", limit: 5, windowSeconds: 10)

    @Test("Redis: 5 per 10 s admits 5 with remaining 4…0, then denies with Retry-After ≥ 1")
    func redisExhaustion() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let limiter = RedisRateLimiter(redis: client)

        var remaining: [Int] = []
        var resets: [Int] = []
        for _ in 0..<5 {
            let decision = try await limiter.tryAcquire(key: "k", policy: fivePerTen)
            #expect(decision.allowed)
            #expect(decision.limit == 5)
            remaining.append(decision.remaining)
            resets.append(decision.resetAfterSeconds)
        }
        #expect(remaining == [4, 3, 2, 1, 0])
        // Redis's clock runs on between the calls: on a loaded machine a second can pass, so each reset may be up
        // to 2 s short of its ideal value, never above it.
        for (reset, ideal) in zip(resets, [2, 4, 6, 8, 10]) { #expect((ideal - 2)...ideal ~= reset, "\(resets)") }
        let denied = try await limiter.tryAcquire(key: "k", policy: fivePerTen)
        #expect(!denied.allowed)
        #expect(denied.remaining == 0)
        #expect(denied.retryAfterSeconds >= 1 && denied.retryAfterSeconds <= 2)
        #expect((8...10).contains(denied.resetAfterSeconds))

        // The bucket expires when it would be full again (≤ window).
        guard case .expiresIn(let ttl) = try await client.ttl(limiter.storageKey(for: "k")) else {
            Issue.record("bucket key has no TTL")
            return
        }
        #expect(ttl > .seconds(7) && ttl <= .seconds(10))
    }

    @Test("Redis: keys are independent")
    func redisKeysIndependent() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let limiter = RedisRateLimiter(redis: client)

        for _ in 0..<5 { _ = try await limiter.tryAcquire(key: "a", policy: fivePerTen) }
        #expect(try await limiter.tryAcquire(key: "a", policy: fivePerTen).allowed == false)
        let other = try await limiter.tryAcquire(key: "b", policy: fivePerTen)
        #expect(other.allowed && other.remaining == 4)
    }

    @Test("Redis: the window recovers (2 per 1 s), on a clock the test steps")
    func redisRecovery() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let now = Mutex<Int64>(1_800_000_000_000_000)
        let limiter = RedisRateLimiter(redis: client, clock: .given { now.withLock { $0 } })
        let policy = RateLimitPolicy(name: "fast", limit: 2, windowSeconds: 1)

        #expect(try await limiter.tryAcquire(key: "k", policy: policy).allowed)
        #expect(try await limiter.tryAcquire(key: "k", policy: policy).allowed)
        let denied = try await limiter.tryAcquire(key: "k", policy: policy)
        #expect(!denied.allowed && denied.retryAfterSeconds == 1)
        now.withLock { $0 += 499_999 }
        #expect(try await limiter.tryAcquire(key: "k", policy: policy).allowed == false)
        now.withLock { $0 += 1 }  // one emission interval after the first request: one permit back
        let recovered = try await limiter.tryAcquire(key: "k", policy: policy)
        #expect(recovered.allowed && recovered.remaining == 0)
        now.withLock { $0 += 1_000_000 }
        let full = try await limiter.tryAcquire(key: "k", policy: policy)
        #expect(full.allowed && full.remaining == 1)
        // The key expires when its bucket is full again (here one interval after the last request), so idle keys vanish.
        guard case .expiresIn(let left) = try await client.ttl(limiter.storageKey(for: "k")) else {
            Issue.record("the bucket key has no expiry")
            return
        }
        #expect(left > .zero && left <= .milliseconds(500))
    }

    @Test("Redis: without a given clock the server's TIME measures the window")
    func redisClock() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let limiter = RedisRateLimiter(redis: client)
        let policy = RateLimitPolicy(name: "slow", limit: 2, windowSeconds: 3_600)
        #expect(try await limiter.tryAcquire(key: "k", policy: policy).allowed)
        #expect(try await limiter.tryAcquire(key: "k", policy: policy).allowed)
        let denied = try await limiter.tryAcquire(key: "k", policy: policy)
        #expect(!denied.allowed && (1_799...1_800).contains(denied.retryAfterSeconds))
        // The stored arrival time is the server's now plus the two intervals granted.
        let storedText = try await client.getString(limiter.storageKey(for: "k"))
        let stored = try #require(storedText.flatMap { Int64($0) })
        let time = try await client.command(["TIME"]).array
        let seconds = try #require(time?.first?.string.flatMap { Int64($0) })
        let nowMicros = seconds * 1_000_000
        #expect(abs(stored - nowMicros - 3_600_000_000) < 5_000_000)
    }

    @Test("Redis: 50 concurrent acquires with limit 20 admit exactly 20")
    func redisAtomicity() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let limiter = RedisRateLimiter(redis: client)
        let policy = RateLimitPolicy(name: "burst", limit: 20, windowSeconds: 60)

        let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { try await limiter.tryAcquire(key: "shared", policy: policy).allowed } }
            var count = 0
            for try await ok in group where ok { count += 1 }
            return count
        }
        #expect(allowed == 20)
    }

    @Test("in-process: same GCRA on explicit times, recovery, independent keys")
    func inProcess() {
        let limiter = InProcessRateLimiter()
        let start: Int64 = 1_000_000_000
        var decisions: [RateLimitDecision] = []
        for step in 0..<6 { decisions.append(limiter.acquire(key: "k", policy: fivePerTen, at: start + Int64(step) * 1000)) }
        #expect(decisions.prefix(5).map(\.remaining) == [4, 3, 2, 1, 0])
        #expect(decisions.prefix(5).map(\.allowed) == [true, true, true, true, true])
        #expect(!decisions[5].allowed && decisions[5].retryAfterSeconds == 2)
        let other = limiter.acquire(key: "other", policy: fivePerTen, at: start)
        #expect(other.remaining == 4)
        // One interval (2 s) later one request fits again; a full window later the bucket is full.
        let oneInterval = limiter.acquire(key: "k", policy: fivePerTen, at: start + 2_000_000)
        #expect(oneInterval.allowed)
        let fullWindow = limiter.acquire(key: "k", policy: fivePerTen, at: start + 12_000_000)
        #expect(fullWindow.remaining == 4)
    }

    @Test("in-process: the table stays bounded")
    func inProcessBounded() {
        let limiter = InProcessRateLimiter(maximumKeys: 10, sweepInterval: 1000)
        for index in 0..<100 { _ = limiter.acquire(key: "k\(index)", policy: fivePerTen, at: 0) }
        #expect(limiter.keyCount <= 10)
        // Expired buckets are swept.
        _ = limiter.acquire(key: "late", policy: fivePerTen, at: 60_000_000)
        for index in 0..<20 { _ = limiter.acquire(key: "x\(index)", policy: fivePerTen, at: 60_000_000) }
        #expect(limiter.keyCount <= 10)
    }

    @Test("failover: Redis stopped → in-process decisions counted; restarted → back on Redis")
    func failover() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server, poolSize: 2)
        defer { client.shutdown() }
        let metrics = RLCountingMetrics()
        let limiter = FailoverRateLimiter(redis: client, probeInterval: .milliseconds(300), metricsFactory: metrics)
        let policy = RateLimitPolicy(name: "two", limit: 2, windowSeconds: 60)
        let storageKey = limiter.primary.storageKey(for: "k")

        #expect(await limiter.acquire(key: "k", policy: policy).remaining == 1)
        #expect(try await client.get(storageKey) != nil)
        #expect(!limiter.isUsingFallback)

        server.stop()
        let whileDown = await [
            limiter.acquire(key: "k", policy: policy), limiter.acquire(key: "k", policy: policy),
            limiter.acquire(key: "k", policy: policy),
        ]
        // The in-process limiter decides (fresh bucket: 2 allowed, then denied).
        #expect(whileDown.map(\.allowed) == [true, true, false])
        #expect(limiter.isUsingFallback)
        #expect(limiter.fallbackDecisionCount == 3)
        #expect(metrics.value("monps_ratelimit_fallback_total", [("component", "rate_limiter")]) == 3)

        try await server.start()
        let back = await Eventually.holds(timeout: .seconds(5)) {
            _ = await limiter.acquire(key: "k", policy: policy)
            return !limiter.isUsingFallback
        }
        #expect(back)
        // The restarted (empty) Redis holds the bucket again.
        #expect(try await client.get(storageKey) != nil)
    }

    @Test("gate: while down, Redis is probed at most once per interval")
    func gateProbing() async throws {
        let clock = ManualContinuousClock()
        let gate = RedisFallbackGate(
            component: "test", counterLabel: "test_total", probeInterval: .milliseconds(200), now: clock.closure)
        let attempts = AttemptCounter()
        let failing: @Sendable () async throws -> Int = {
            attempts.count.add(1, ordering: .relaxed)
            throw RedisError.connectionFailed("down")
        }
        for _ in 0..<20 { #expect(await gate.run(failing, fallback: { -1 }) == -1) }
        #expect(attempts.count.load(ordering: .relaxed) == 1)
        #expect(gate.isUsingFallback)
        clock.advance(.milliseconds(199))
        for _ in 0..<5 { _ = await gate.run(failing, fallback: { -1 }) }
        #expect(attempts.count.load(ordering: .relaxed) == 1)  // not yet a probe interval since the failure
        clock.advance(.milliseconds(1))
        for _ in 0..<15 { _ = await gate.run(failing, fallback: { -1 }) }
        #expect(attempts.count.load(ordering: .relaxed) == 2)
        clock.advance(.milliseconds(200))
        #expect(await gate.run({ 7 }, fallback: { -1 }) == 7)
        #expect(!gate.isUsingFallback)
        #expect(gate.fallbackCount == 40)
    }
}

private final class AttemptCounter: Sendable {
    let count = Atomic<Int>(0)
}
