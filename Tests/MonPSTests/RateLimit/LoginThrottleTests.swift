// LoginThrottle against a real Redis, and its in-process fallback.

import Foundation
import Logging
import Synchronization
import Testing

@testable import MonPS

@Suite("Login throttle", .hangGuard)
struct LoginThrottleTests {
    @Test("5 failures lock the account for ≥ 30 s; 4 do not")
    func locksAfterFive() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let throttle = LoginThrottle(redis: client)

        for _ in 0..<4 { #expect(await throttle.recordFailure(email: "alice@example.com", ip: "192.0.2.1") == .allowed) }
        #expect(await throttle.check(email: "alice@example.com", ip: "192.0.2.1") == .allowed)
        let fifth = await throttle.recordFailure(email: "alice@example.com", ip: "192.0.2.1")
        #expect(fifth.retryAfterSeconds == 30)
        let decision = await throttle.check(email: "Alice@Example.com ", ip: "192.0.2.1")
        #expect(!decision.isAllowed)
        #expect(decision.retryAfterSeconds >= 30)
        // Per account: another address is locked out of this account too, but may use other accounts.
        #expect(await throttle.check(email: "alice@example.com", ip: "203.0.113.9").retryAfterSeconds >= 29)
        #expect(await throttle.check(email: "bob@example.com", ip: "192.0.2.1") == .allowed)

        // Keys hold digests, never the address or email.
        let keys = try await client.command(["KEYS", client.prefixed("*")]).array?.compactMap(\.string) ?? []
        #expect(!keys.isEmpty)
        #expect(keys.allSatisfy { !$0.lowercased().contains("alice") && !$0.contains("192.0.2.1") })
    }

    @Test("the account key uses the account lookup's normalisation: a fullwidth letter is the same account")
    func oneNormalisationWithTheAccountLookup() throws {
        let throttle = LoginThrottle(
            store: InProcessLoginThrottleStore(), policy: LoginThrottlePolicy(), keySecret: [], probeInterval: .seconds(5),
            logger: Logger(label: "test"), metricsFactory: nil)
        let plain = throttle.accountID(email: "demo@monps.local")
        // U+FF44 FULLWIDTH LATIN SMALL LETTER D: NFKC makes it "d", which is how the account is found.
        #expect(throttle.accountID(email: "\u{FF44}emo@monps.local") == plain)
        #expect(throttle.accountID(email: " DEMO@MONPS.LOCAL\u{3000}") == plain)
        #expect(EmailAddress.normalize("\u{FF44}emo@monps.local") == "demo@monps.local")
        #expect(throttle.accountID(email: "demo2@monps.local") != plain)
    }

    @Test("success clears the account")
    func successClears() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let throttle = LoginThrottle(redis: client)

        for _ in 0..<4 { await throttle.recordFailure(email: "carol@example.com", ip: "192.0.2.3") }
        await throttle.recordSuccess(email: "carol@example.com", ip: "192.0.2.3")
        for _ in 0..<4 { await throttle.recordFailure(email: "carol@example.com", ip: "192.0.2.3") }
        #expect(await throttle.check(email: "carol@example.com", ip: "192.0.2.3") == .allowed)
        #expect(await throttle.recordFailure(email: "carol@example.com", ip: "192.0.2.3").isAllowed == false)
        await throttle.recordSuccess(email: "carol@example.com", ip: "192.0.2.3")
        #expect(await throttle.check(email: "carol@example.com", ip: "192.0.2.3") == .allowed)
    }

    @Test("the lockout doubles with each further failure, up to the cap")
    func lockoutDoubles() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let throttle = LoginThrottle(redis: client)

        var locks: [Int] = []
        for _ in 0..<7 { locks.append(await throttle.recordFailure(email: "dave@example.com", ip: nil).retryAfterSeconds) }
        #expect(locks == [0, 0, 0, 0, 30, 60, 120])
        let checked = await throttle.check(email: "dave@example.com", ip: nil).retryAfterSeconds
        #expect(checked > 115 && checked <= 120)

        let capped = LoginThrottle(
            redis: client, policy: LoginThrottlePolicy(accountThreshold: 2, baseLockout: .seconds(1), maximumLockout: .seconds(4)),
            namespace: "capped:")
        var cappedLocks: [Int] = []
        for _ in 0..<6 { cappedLocks.append(await capped.recordFailure(email: "erin@example.com", ip: nil).retryAfterSeconds) }
        #expect(cappedLocks == [0, 1, 2, 4, 4, 4])
    }

    @Test("an address failing on many accounts is locked for all of them")
    func perAddress() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let throttle = LoginThrottle(redis: client, policy: LoginThrottlePolicy(accountThreshold: 5, ipThreshold: 3))

        for index in 0..<3 { await throttle.recordFailure(email: "user\(index)@example.com", ip: "2001:db8::1") }
        // Same /64, any account: locked. Another address, same account: free.
        #expect(await throttle.check(email: "fresh@example.com", ip: "2001:db8::2").retryAfterSeconds >= 29)
        #expect(await throttle.check(email: "user0@example.com", ip: "192.0.2.50") == .allowed)
    }

    @Test("Redis down: the in-process fallback still locks; counted as fallbacks")
    func fallback() async throws {
        let server = try await RedisServerProcess()
        let client = try RLTestSupport.client(server, poolSize: 2)
        defer { client.shutdown() }
        server.stop()
        let metrics = RLCountingMetrics()
        let throttle = LoginThrottle(redis: client, metricsFactory: metrics)

        for _ in 0..<5 { await throttle.recordFailure(email: "frank@example.com", ip: "192.0.2.9") }
        #expect(await throttle.check(email: "frank@example.com", ip: "192.0.2.9").retryAfterSeconds >= 29)
        #expect(metrics.value("monps_ratelimit_fallback_total", [("component", "login_throttle")]) == 6)
        await throttle.recordSuccess(email: "frank@example.com", ip: "192.0.2.9")
        #expect(await throttle.check(email: "frank@example.com", ip: "192.0.2.9") == .allowed)
    }

    @Test("in-process store: thresholds, doubling, memory, bound")
    func inProcessStore() {
        let clock = RLManualClock()
        let store = InProcessLoginThrottleStore(maximumEntries: 10, now: { clock.now })
        let policy = LoginThrottlePolicy(
            accountThreshold: 2, baseLockout: .seconds(1), maximumLockout: .seconds(8), failureMemory: .seconds(60))
        let subject = [LoginThrottleSubject(id: "acct:x", threshold: 2)]
        #expect(store.recordFailureNow(subject, policy: policy) == 0)
        #expect(store.recordFailureNow(subject, policy: policy) == 1000)
        #expect(store.recordFailureNow(subject, policy: policy) == 2000)
        clock.advance(milliseconds: 1500)
        #expect(store.lockRemainingNow(ids: ["acct:x"]) == 500)
        clock.advance(milliseconds: 120_000)  // failures forgotten
        #expect(store.lockRemainingNow(ids: ["acct:x"]) == 0)
        #expect(store.recordFailureNow(subject, policy: policy) == 0)

        for index in 0..<50 { _ = store.recordFailureNow([LoginThrottleSubject(id: "k\(index)", threshold: 2)], policy: policy) }
        #expect(store.entryCount <= 10)
    }
}

private final class RLManualClock: Sendable {
    private let value = Mutex<Int64>(1_000_000)
    var now: Int64 { value.withLock { $0 } }
    func advance(milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}
