import Foundation
import HummingbirdTesting
import Testing

@testable import MonPS

@Suite("Access-token cache: revocations reach requests within its lifetime")
struct AccessTokenCacheTests {
    static let principal = Principal(userID: UUID(), role: .user, scopes: Scope.allowed(for: .user), credential: .accessToken(jti: "j"))

    @Test func remembersUntilItsLifetimeOrTheTokenExpires() async throws {
        let cache = AccessTokenCache(lifetime: .milliseconds(200))
        cache.store(Self.principal, for: "t1", secondsLeft: 900)
        cache.store(Self.principal, for: "expired", secondsLeft: 0)
        #expect(cache.principal(for: "t1") == Self.principal)
        #expect(cache.principal(for: "expired") == nil)
        #expect(cache.principal(for: "other") == nil)
        try await Task.sleep(for: .milliseconds(250))
        #expect(cache.principal(for: "t1") == nil)
        #expect(cache.count == 0)
    }

    @Test func offWithZeroLifetimeAndBoundedInSize() {
        let off = AccessTokenCache(lifetime: .zero)
        off.store(Self.principal, for: "t", secondsLeft: 900)
        #expect(off.principal(for: "t") == nil)

        let small = AccessTokenCache(lifetime: .seconds(60), capacity: 3)
        for token in ["a", "b", "c", "d"] { small.store(Self.principal, for: token, secondsLeft: 900) }
        #expect(small.count <= 3)
        #expect(small.principal(for: "d") == Self.principal)
    }

    @Test func disabledAccountIsRefusedOnceTheLifetimeHasPassed() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_AUTH_CACHE_SECONDS": "1"])
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let me = try await client.get("/v1/me", token: token)
            #expect(me.status == .ok)
            let id = try #require(try me.json()["id"] as? String)
            try await app.services.database.query("UPDATE users SET status = 'disabled' WHERE id = \(UUID(uuidString: id))")
            // Within the bound the remembered authentication may still serve…
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            // …and after it the account is read again and the token refused.
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.get("/v1/me", token: token).status == .unauthorized)
            #expect(try await client.get("/v1/me", token: token).status == .unauthorized)  // failures are not cached
        }
    }

    @Test func personalAPITokensAreLookedUpEveryTime() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_AUTH_CACHE_SECONDS": "30"])
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            #expect(app.services.auth.accessTokenCache.count == 1)
            let created = try await client.postJSON(#"/v1/tokens"#, #"{"name":"ci","scopes":["read:public"]}"#, token: token)
            let apiToken = try #require(try created.json()["secret"] as? String)
            #expect(try await client.get("/v1/me", token: apiToken).status == .ok)
            #expect(app.services.auth.accessTokenCache.count == 1)
        }
    }
}
