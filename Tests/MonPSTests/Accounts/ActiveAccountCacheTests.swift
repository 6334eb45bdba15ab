import Foundation
import HummingbirdTesting
import Testing

@testable import MonPS

@Suite("Active-account cache: account changes reach access tokens within its lifetime", .hangGuard)
struct ActiveAccountCacheTests {
    static let account = ActiveAccountCache.Account(role: .user, sessionsValidAfter: nil)
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func remembersForItsLifetimeOnly() {
        let cache = ActiveAccountCache(lifetime: 2)
        let alice = UUID(), bob = UUID()
        cache.store(Self.account, of: alice, readAt: Self.start)
        #expect(cache.account(of: alice, now: Self.start) == Self.account)
        #expect(cache.account(of: alice, now: Self.start.addingTimeInterval(1.999)) == Self.account)
        #expect(cache.account(of: bob, now: Self.start) == nil)
        #expect(cache.account(of: alice, now: Self.start.addingTimeInterval(2)) == nil)
        #expect(cache.count == 0)
        // A clock stepped backwards does not make an entry live longer.
        cache.store(Self.account, of: alice, readAt: Self.start)
        #expect(cache.account(of: alice, now: Self.start.addingTimeInterval(-1)) == nil)
    }

    @Test func offWithZeroLifetimeAndBoundedInSize() {
        let off = ActiveAccountCache(lifetime: 0)
        off.store(Self.account, of: UUID(), readAt: Self.start)
        #expect(off.count == 0)

        let small = ActiveAccountCache(lifetime: 60, capacity: 3)
        let ids = (0..<4).map { _ in UUID() }
        for id in ids { small.store(Self.account, of: id, readAt: Self.start) }
        #expect(small.count <= 3)
        #expect(small.account(of: ids[3], now: Self.start) == Self.account)
    }

    @Test func aDisabledAccountIsRefusedOnceTheLifetimeHasPassed() async throws {
        let clock = ManualDateClock()
        let app = try await TestApp.make(overrides: ["MONPS_AUTH_CACHE_SECONDS": "2"], now: clock.closure)
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let me = try await client.get("/v1/me", token: token)
            #expect(me.status == .ok)
            let idText = try #require(try me.json()["id"] as? String)
            let id = try #require(UUID(uuidString: idText))
            try await app.services.database.query("UPDATE users SET status = 'disabled' WHERE id = \(id)")
            // Within the bound the account read at the first request still serves…
            clock.advance(seconds: 1.5)
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            // …and at the bound it is read again and the token refused, on every request (refusals are not cached).
            clock.advance(seconds: 0.5)
            #expect(try await client.get("/v1/me", token: token).status == .unauthorized)
            #expect(try await client.get("/v1/me", token: token).status == .unauthorized)
            // Reactivation takes effect at once.
            try await app.services.database.query("UPDATE users SET status = 'active' WHERE id = \(id)")
            #expect(try await client.get("/v1/me", token: token).status == .ok)
        }
    }

    @Test func theTokenItselfIsCheckedOnEveryRequest() async throws {
        let clock = ManualDateClock()
        let app = try await TestApp.make(overrides: ["MONPS_AUTH_CACHE_SECONDS": "60"], now: clock.closure)
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            #expect(app.services.auth.identity.accounts.count == 1)
            // A forged signature on the same claims is refused although the account is remembered.
            let forged = String(token.dropLast(4)) + (token.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            #expect(try await client.get("/v1/me", token: forged).status == .unauthorized)
            // An access token past its expiry is refused although the account is remembered.
            clock.advance(seconds: TimeInterval(app.services.auth.identity.settings.accessTokenLifetime + 60))
            #expect(try await client.get("/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test func personalAPITokensAreLookedUpEveryTime() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_AUTH_CACHE_SECONDS": "30"])
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            #expect(app.services.auth.identity.accounts.count == 1)
            let created = try await client.postJSON(#"/v1/tokens"#, #"{"name":"ci","scopes":["read:public"]}"#, token: token)
            let apiToken = try #require(try created.json()["secret"] as? String)
            #expect(try await client.get("/v1/me", token: apiToken).status == .ok)
            let userID = try #require(try await client.get("/v1/me", token: token).json()["id"] as? String)
            // Disabling the owner refuses the API token at once, although the account is remembered.
            try await app.services.database.query("UPDATE users SET status = 'disabled' WHERE id = \(UUID(uuidString: userID))")
            #expect(try await client.get("/v1/me", token: apiToken).status == .unauthorized)
        }
    }
}
