import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

/// The OWASP API Security Top 10 (2023) risks that apply to MonPS's access layer, exercised over HTTP.
@Suite("Access control over HTTP (OWASP API Top 10)", .hangGuard)
struct AccessControlHTTPTests {
    func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func expectUnauthorized(_ client: any TestClientProtocol, token: String, _ comment: Comment) async throws {
        let response = try await client.get("/v1/me", token: token)
        #expect(response.status == .unauthorized, comment)
        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
    }

    /// API4 unrestricted resource consumption: every made-up `mps_` token passing the checksum used to get its
    /// own rate-limit bucket (and a lookup each). Refused credentials now count against the client address.
    @Test func madeUpAPITokensCountAgainstTheClientAddress() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            for attempt in 0..<30 {
                let madeUp = try APITokenSecret.generate().token
                #expect(try await client.get("/v1/me", token: madeUp).status == .unauthorized, "attempt \(attempt)")
            }
            let held = try await client.get("/v1/me", token: try APITokenSecret.generate().token)
            #expect(held.status == .tooManyRequests)
            #expect((Int(held.headers[.retryAfter] ?? "") ?? 0) >= 1)
            #expect(held.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            // A verified access token from the same address goes on.
            #expect(try await client.get("/v1/me", token: token).status == .ok)
        }
    }

    /// API2 broken authentication: every malformed or forged JWT is a 401.
    @Test func forgedAndMalformedJWTsAreRejected() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/me", token: token).status == .ok)
            let parts = token.split(separator: ".").map(String.init)

            // Tampered payload (role escalation attempt) with the original signature.
            var payload = try JSONSerialization.jsonObject(with: Data(base64Encoded: parts[1].base64Padded)!) as! [String: Any]
            payload["role"] = "admin"
            let tampered = parts[0] + "." + base64URL(String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)) + "." + parts[2]
            try await expectUnauthorized(client, token: tampered, "tampered payload")

            // alg none, with and without a signature.
            let none = base64URL(#"{"alg":"none","typ":"JWT"}"#) + "." + parts[1] + "."
            try await expectUnauthorized(client, token: none, "alg none")

            // Unknown kid (a secret the server never had), correctly signed with it.
            let foreignKeys = try JWTKeySet(secrets: ["a-completely-different-secret-0123456789abcdef"])
            let now = Int64(Date().timeIntervalSince1970)
            let claims = try JWTClaims.issue(subject: UUID().uuidString, role: "admin", issuer: "monps", audience: "monps-api", now: now, lifetime: 900)
            try await expectUnauthorized(client, token: foreignKeys.sign(claims), "wrong kid")

            // Correct key, but expired / not yet valid / wrong audience.
            let keys = app.services.auth.keys
            let me = try await app.services.auth.identity.authenticate(bearer: token)
            func signed(_ edit: (inout JWTClaims) -> Void) -> String {
                var claims = try! JWTClaims.issue(subject: me.userID.uuidString.lowercased(), role: "user", issuer: "monps", audience: "monps-api", now: now, lifetime: 900)
                edit(&claims)
                return keys.sign(claims)
            }
            #expect(try await client.get("/v1/me", token: signed { _ in }).status == .ok)
            try await expectUnauthorized(client, token: signed { $0.expiresAt = now - 3600; $0.issuedAt = now - 7200; $0.notBefore = now - 7200 }, "expired")
            try await expectUnauthorized(client, token: signed { $0.notBefore = now + 3600 }, "not yet valid")
            try await expectUnauthorized(client, token: signed { $0.audience = "someone-else" }, "wrong audience")
            try await expectUnauthorized(client, token: "not-a-jwt", "garbage")
        }
    }

    /// API1 BOLA: another user's token is a 404, never a 403 that confirms it exists.
    @Test func anotherUsersObjectIsNotFound() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let alice = try await accounts.token()
            let bob = try await accounts.token()
            let created = try await client.postJSON("/v1/tokens", #"{"name":"ci","scopes":["read:public"]}"#, token: alice)
            #expect(created.status == .created)
            let id = try #require((try created.json()["token"] as? [String: Any])?["id"] as? String)
            let stolen = try await client.execute(uri: "/v1/tokens/\(id)", method: .delete, headers: [.authorization: "Bearer \(bob)"])
            #expect(stolen.status == .notFound)
            let bobsList = try await client.get("/v1/tokens", token: bob)
            #expect((try bobsList.json()["data"] as? [Any])?.isEmpty == true)
            let own = try await client.execute(uri: "/v1/tokens/\(id)", method: .delete, headers: [.authorization: "Bearer \(alice)"])
            #expect(own.status == .noContent)
        }
    }

    /// API3 mass assignment: a `role` in the registration body is ignored.
    @Test func roleInRegistrationBodyIsIgnored() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.postJSON(
                "/v1/auth/register",
                #"{"email":"Mallory@Example.com ","password":"\#(TestAccounts.password)","display_name":"M","role":"admin"}"#)
            #expect(response.status == .created)
            let body = try response.json()
            #expect(body["role"] as? String == "user")
            #expect(body["email"] as? String == "Mallory@Example.com")
            let token = try await TestAccounts(app: app, client: client).login(email: "mallory@example.com")
            #expect(try await client.get("/v1/admin/users", token: token).status == .forbidden)
        }
    }

    /// API5 broken function-level authorisation: viewers cannot write, users cannot administer.
    @Test func viewerWritesAndUserAdminCallsAreForbidden() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let viewer = try await accounts.token(role: .viewer)
            #expect(try await client.get("/v1/me", token: viewer).status == .ok)
            let write = try await client.postJSON("/v1/tokens", #"{"name":"x","scopes":["read:public"]}"#, token: viewer)
            #expect(write.status == .forbidden)
            #expect((try write.json()["detail"] as? String)?.contains("write:settings") == true)
            // Their own account is theirs to change (issue #14, finding 9): name and password.
            let patch = try await client.postJSON("/v1/me", #"{"display_name":"V2"}"#, token: viewer, method: .patch)
            #expect(patch.status == .ok)
            let bankroll = try await client.postJSON("/v1/bankrolls", #"{"name":"x","currency":"EUR"}"#, token: viewer)
            #expect(bankroll.status == .forbidden)

            let user = try await accounts.token()
            let adminCall = try await client.get("/v1/admin/users", token: user)
            #expect(adminCall.status == .forbidden)
            #expect(adminCall.headers[.wwwAuthenticate]?.contains("insufficient_scope") == true)
            #expect(try await client.get("/v1/admin/audit-log", token: user).status == .forbidden)

            let admin = try await accounts.token(role: .admin)
            let list = try await client.get("/v1/admin/users?limit=2", token: admin)
            #expect(list.status == .ok)
            #expect((try list.json()["data"] as? [Any])?.count == 2)
        }
    }

    /// API token scopes: a token is limited to its scopes; the missing scope is named.
    @Test func apiTokenScopesAreEnforced() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let created = try await client.postJSON("/v1/tokens", #"{"name":"reader","scopes":["read:public"]}"#, token: admin)
            let secret = try #require(try created.json()["secret"] as? String)
            #expect(secret.hasPrefix("mps_"))
            #expect(try await client.get("/v1/me", token: secret).status == .ok)
            let denied = try await client.get("/v1/admin/users", token: secret)
            #expect(denied.status == .forbidden)
            #expect((try denied.json()["detail"] as? String)?.contains("`admin`") == true)
            // Session-only operations refuse API tokens even with the right scope.
            #expect(try await client.get("/v1/tokens", token: secret).status == .forbidden)
            // A typo in the secret fails the checksum: 401 without a database lookup.
            var typo = Array(secret)
            typo[10] = typo[10] == "a" ? "b" : "a"
            #expect(try await client.get("/v1/me", token: String(typo)).status == .unauthorized)
        }
    }

    /// API4 unrestricted resource consumption: oversized pages are refused.
    @Test func oversizedPageIsRefused() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            #expect(try await client.get("/v1/admin/users?limit=201", token: admin).status == .badRequest)
            #expect(try await client.get("/v1/admin/audit-log?limit=1000", token: admin).status == .badRequest)
        }
    }

    /// Brute force: repeated failures lock the account with the same answer as a wrong password.
    @Test func bruteForceLocksWithTheSameAnswer() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = "victim-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await accounts.token(email: email)
            var details: Set<String> = []
            var statuses: Set<Int> = []
            // Five failures lock the account (login throttle), well inside the auth rate limit.
            for _ in 0..<5 {
                let response = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"wrong-password-123"}"#)
                statuses.insert(Int(response.status.code))
                details.insert(try response.json()["detail"] as? String ?? "")
            }
            // Locked now: even the right password gets the identical 401.
            let locked = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            #expect(locked.status == .unauthorized)
            details.insert(try locked.json()["detail"] as? String ?? "")
            let unknown = try await client.postJSON("/v1/auth/login", #"{"email":"nobody@example.com","password":"wrong-password-123"}"#)
            details.insert(try unknown.json()["detail"] as? String ?? "")
            #expect(statuses.subtracting([401, 429]).isEmpty)
            #expect(details.count == 1, "one answer for wrong password, locked account and unknown email: \(details)")
        }
    }

    /// Refresh-token reuse revokes the whole family.
    @Test func refreshReuseRevokesTheFamily() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = "r-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await accounts.token(email: email)
            let login = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            let first = try #require(try login.json()["refresh_token"] as? String)
            let rotated = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(first)"}"#)
            #expect(rotated.status == .ok)
            let second = try #require(try rotated.json()["refresh_token"] as? String)
            #expect(second != first)
            let reuse = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(first)"}"#)
            #expect(reuse.status == .unauthorized)
            let afterTheft = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(second)"}"#)
            #expect(afterTheft.status == .unauthorized, "the newest token of a reused family is revoked too")
        }
    }

    /// Disabling a user kills their access tokens and API tokens at once.
    @Test func disabledUsersTokensStopWorking() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let user = try await accounts.token()
            let apiToken = try #require(
                try await client.postJSON("/v1/tokens", #"{"name":"t","scopes":["read:public"]}"#, token: user).json()["secret"] as? String)
            let me = try await client.get("/v1/me", token: user)
            let id = try #require(try me.json()["id"] as? String)
            let disable = try await client.postJSON("/v1/admin/users/\(id)", #"{"disabled":true}"#, token: admin, method: .patch)
            #expect(disable.status == .ok)
            #expect(try disable.json()["status"] as? String == "disabled")
            #expect(try await client.get("/v1/me", token: user).status == .unauthorized)
            #expect(try await client.get("/v1/me", token: apiToken).status == .unauthorized)
            let audit = try await client.get("/v1/admin/audit-log?action=user.disabled", token: admin)
            #expect((try audit.json()["data"] as? [[String: Any]])?.first?["target_id"] as? String == id)
        }
    }

    /// Rate limiting: every response carries the headers; the auth class is strict and ends in a 429.
    @Test func rateLimitHeadersAndAuthLimit() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports")
            #expect(response.headers[HTTPField.Name("RateLimit-Policy")!] != nil)
            #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] != nil)
            var last: TestResponse?
            for _ in 0..<60 {
                last = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"nope"}"#)
                if last?.status == .tooManyRequests { break }
            }
            let limited = try #require(last)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(limited.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        }
    }

    /// Public catalogue responses are cached with a strong ETag and honour If-None-Match.
    @Test func catalogueHasETagsAnd304() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let first = try await client.get("/v1/sports?group=tennis")
            let etag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl]?.contains("max-age") == true)
            let second = try await client.get("/v1/sports?group=tennis")
            #expect(second.headers[HTTPField.Name("X-Cache")!] == "hit")
            #expect(second.text == first.text)
            let notModified = try await client.get("/v1/sports?group=tennis", headers: [.ifNoneMatch: etag])
            #expect(notModified.status == .notModified)
            #expect(notModified.body.readableBytes == 0)
        }
    }
}

extension String {
    fileprivate var base64Padded: String {
        var value = replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        value += String(repeating: "=", count: (4 - value.count % 4) % 4)
        return value
    }
}
