import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Identity: refresh, logout and bearer authentication", .hangGuard)
struct IdentitySessionTests {
    typealias F = IdentityFixture

    @Test func refreshRotatesAndTheOldTokenStopsWorking() async throws {
        try await F.run { f in
            let (user, first, _) = try await f.signedIn("alice@example.com")
            f.clock.advance(seconds: 60)
            let second = try await f.identity.refresh(refreshToken: first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.accessToken != first.accessToken)
            #expect(try await f.identity.authenticate(bearer: second.accessToken).userID == user.id)

            let rows = try await f.rows(
                "SELECT family_id, used_at, revoked_at FROM refresh_tokens ORDER BY issued_at")
            #expect(rows.count == 2)
            let (familyA, usedA, revokedA) = try rows[0].decode((UUID, Date?, Date?).self)
            let (familyB, usedB, revokedB) = try rows[1].decode((UUID, Date?, Date?).self)
            #expect(familyA == familyB, "rotation keeps the family")
            #expect(usedA != nil && revokedA == nil)
            #expect(usedB == nil && revokedB == nil)

            let again = await F.error { try await f.identity.refresh(refreshToken: first.refreshToken) }
            #expect(again == .invalidRefreshToken)
            #expect(again?.apiError.status.code == 401)
        }
    }

    @Test func reusingARotatedTokenRevokesTheWholeFamily() async throws {
        try await F.run { f in
            let (user, first, _) = try await f.signedIn("alice@example.com")
            let other = try await f.identity.login(email: "alice@example.com", password: F.password)  // another device
            let second = try await f.identity.refresh(refreshToken: first.refreshToken)
            let third = try await f.identity.refresh(refreshToken: second.refreshToken)

            // The attacker (or the victim) replays the first token.
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: first.refreshToken) } == .invalidRefreshToken
            )
            // The newest token of that family is dead too…
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: third.refreshToken) } == .invalidRefreshToken
            )
            // …and so are access tokens minted before the detection; the other device's session survives.
            #expect(
                await F.error { try await f.identity.authenticate(bearer: third.accessToken) }
                    == .unauthenticated(.revoked))
            let otherRefreshed = try await f.identity.refresh(refreshToken: other.refreshToken)
            #expect(try await f.identity.authenticate(bearer: otherRefreshed.accessToken).userID == user.id)

            let reasons = try await f.rows(
                """
                SELECT revoked_reason FROM refresh_tokens
                WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(OpaqueSecret.hash(first.refreshToken)))
                """
            ).map { try $0.decode(String?.self) }
            #expect(reasons.count == 3)
            #expect(reasons.allSatisfy { $0 == "reuse_detected" })
            let events = try await f.auditEvents(.refreshReused)
            #expect(events.count == 1)
            #expect(events[0].targetID == user.id.uuidString.lowercased())
            #expect(events[0].decodedDetails["tokens_revoked"] as? Int == 3)
        }
    }

    @Test func concurrentRefreshOfOneTokenRotatesOnceAndIsTreatedAsReuse() async throws {
        try await F.run { f in
            let (_, first, _) = try await f.signedIn("alice@example.com")
            let results = await withTaskGroup(of: TokenPair?.self) { group in
                for _ in 0..<2 {
                    group.addTask { try? await f.identity.refresh(refreshToken: first.refreshToken) }
                }
                return await group.reduce(into: [TokenPair?]()) { $0.append($1) }
            }
            let winners = results.compactMap { $0 }
            #expect(winners.count == 1)
            // The loser presented a used token: the family, the winner's new token included, is revoked.
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: winners[0].refreshToken) }
                    == .invalidRefreshToken)
        }
    }

    @Test func expiredMalformedAndUnknownRefreshTokensAreRefusedAlike() async throws {
        try await F.run(settings: IdentitySettings(refreshTokenLifetime: 3600)) { f in
            let (_, pair, _) = try await f.signedIn("alice@example.com")
            for junk in ["", "not-a-token", String(repeating: "A", count: 43), try OpaqueSecret.generate().token]
            {
                #expect(await F.error { try await f.identity.refresh(refreshToken: junk) } == .invalidRefreshToken)
            }
            f.clock.advance(seconds: 3601)
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: pair.refreshToken) } == .invalidRefreshToken)
        }
    }

    @Test func aDisabledAccountCannotRefreshEvenWithAnUnrevokedToken() async throws {
        try await F.run { f in
            let (user, pair, _) = try await f.signedIn("alice@example.com")
            try await f.rows("UPDATE users SET status = 'disabled' WHERE id = \(user.id)")  // bypassing the service
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: pair.refreshToken) } == .invalidRefreshToken)
            #expect(
                try await f.value("SELECT count(*)::int FROM refresh_tokens WHERE used_at IS NULL", as: Int.self) == 1)
        }
    }

    @Test func expiredRefreshTokensArePurged() async throws {
        try await F.run(settings: IdentitySettings(refreshTokenLifetime: 3600)) { f in
            let (_, first, _) = try await f.signedIn("alice@example.com")
            f.clock.advance(seconds: 1800)
            let second = try await f.identity.refresh(refreshToken: first.refreshToken)
            // Now = login + 90 001 s: the first token expired at +3 600 (> 1 day ago), the second at +5 400 (< 1 day ago).
            f.clock.advance(seconds: 88_201)
            #expect(try await f.identity.purgeExpiredRefreshTokens(retention: 86_400) == 1)
            #expect(
                try await f.value("SELECT token_hash FROM refresh_tokens", as: String.self)
                    == OpaqueSecret.hash(second.refreshToken))
        }
    }

    @Test func sessionsHaveAnAbsoluteLifetime() async throws {
        try await F.run(settings: IdentitySettings(refreshTokenLifetime: 3600, maximumSessionLifetime: 5000)) { f in
            let (_, first, _) = try await f.signedIn("alice@example.com")
            f.clock.advance(seconds: 3000)
            let second = try await f.identity.refresh(refreshToken: first.refreshToken)
            #expect(second.refreshExpiresIn == 2000, "capped by the session start + 5000 s")
            f.clock.advance(seconds: 2001)
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: second.refreshToken) }
                    == .invalidRefreshToken)
        }
    }

    @Test func logoutRevokesTheFamilyAndIsIdempotent() async throws {
        try await F.run { f in
            let (_, first, _) = try await f.signedIn("alice@example.com")
            let second = try await f.identity.refresh(refreshToken: first.refreshToken)
            try await f.identity.logout(refreshToken: second.refreshToken)
            try await f.identity.logout(refreshToken: second.refreshToken)
            try await f.identity.logout(refreshToken: "garbage")
            try await f.identity.logout(refreshToken: try OpaqueSecret.generate().token)
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: second.refreshToken) }
                    == .invalidRefreshToken)
            #expect(
                try await f.value(
                    "SELECT count(*)::int FROM refresh_tokens WHERE revoked_reason = 'logout'", as: Int.self) == 2)
            #expect(try await f.auditEvents(.logout).count == 1)
        }
    }

    @Test func logoutAllRevokesEveryFamilyAndEarlierAccessTokens() async throws {
        try await F.run { f in
            let (user, laptop, _) = try await f.signedIn("alice@example.com")
            let phone = try await f.identity.login(email: "alice@example.com", password: F.password)
            f.clock.advance(seconds: 5)
            try await f.identity.logoutAll(userID: user.id, context: AuditContext(ip: "192.0.2.1", requestID: "req-1"))

            for pair in [laptop, phone] {
                #expect(
                    await F.error { try await f.identity.refresh(refreshToken: pair.refreshToken) }
                        == .invalidRefreshToken)
                #expect(
                    await F.error { try await f.identity.authenticate(bearer: pair.accessToken) }
                        == .unauthenticated(.revoked))
            }
            // A session started in the very same instant is valid (its iat is lifted to the cut-off second).
            let fresh = try await f.identity.login(email: "alice@example.com", password: F.password)
            #expect(try await f.identity.authenticate(bearer: fresh.accessToken).userID == user.id)
            let event = try await f.auditEvents(.logoutAll).first
            #expect(event?.ip == "192.0.2.1" && event?.requestID == "req-1" && event?.actorUserID == user.id)
        }
    }

    @Test func authenticateReturnsThePrincipalFromTheDatabase() async throws {
        try await F.run { f in
            let (user, pair, principal) = try await f.signedIn("alice@example.com")
            #expect(principal.userID == user.id)
            #expect(principal.role == .user)
            #expect(principal.scopes == Scope.allowed(for: .user))
            let claims = try f.keys.verify(
                pair.accessToken, now: IdentityFormat.epochSeconds(f.clock.now), expectedIssuer: "monps",
                expectedAudience: "monps-api")
            #expect(principal.credential == .accessToken(jti: claims.tokenID))
        }
    }

    /// The rate limiter verifies the access JWT first; authentication reuses that check only for the very same bearer.
    @Test func aTokenVerifiedEarlierInTheRequestIsNotVerifiedAgain() async throws {
        try await F.run { f in
            let (user, pair, _) = try await f.signedIn("alice@example.com")
            let claims = try f.identity.verifyAccessToken(pair.accessToken)
            // A bearer whose signature no longer matches: refused when checked, accepted when the check is reused.
            let altered = String(pair.accessToken.dropLast(4)) + (pair.accessToken.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            #expect(await F.error { try await f.identity.authenticate(bearer: altered) } == .unauthenticated(.malformed))
            let reused = try await f.identity.authenticate(
                bearer: altered, context: .none, verified: VerifiedAccessToken(bearer: altered, claims: claims))
            #expect(reused.userID == user.id)
            // Claims verified for another bearer are not taken.
            #expect(
                await F.error {
                    try await f.identity.authenticate(
                        bearer: altered, context: .none, verified: VerifiedAccessToken(bearer: pair.accessToken, claims: claims))
                } == .unauthenticated(.malformed))
        }
    }

    @Test func tamperedForeignAndExpiredJWTsAreRefused() async throws {
        try await F.run { f in
            let (user, pair, _) = try await f.signedIn("alice@example.com")
            let parts = pair.accessToken.split(separator: ".").map(String.init)
            // Payload re-encoded with role admin, original signature.
            var payload = try JSONSerialization.jsonObject(with: Data(try Base64URL.decode(parts[1]))) as! [String: Any]
            payload["role"] = "admin"
            let forged =
                parts[0] + "." + Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: payload))) + "."
                + parts[2]
            let otherKeys = try JWTKeySet(secrets: [String(repeating: "k", count: 40)])
            let now = IdentityFormat.epochSeconds(f.clock.now)
            let foreign = otherKeys.sign(
                try JWTClaims.issue(
                    subject: IdentityFormat.id(user.id), role: "admin", issuer: "monps", audience: "monps-api",
                    now: now, lifetime: 900))
            let wrongAudience = f.keys.sign(
                try JWTClaims.issue(
                    subject: IdentityFormat.id(user.id), role: "user", issuer: "monps", audience: "other-api", now: now,
                    lifetime: 900))
            let wrongIssuer = f.keys.sign(
                try JWTClaims.issue(
                    subject: IdentityFormat.id(user.id), role: "user", issuer: "evil", audience: "monps-api", now: now,
                    lifetime: 900))
            let unknownUser = f.keys.sign(
                try JWTClaims.issue(
                    subject: IdentityFormat.id(UUID()), role: "admin", issuer: "monps", audience: "monps-api", now: now,
                    lifetime: 900))
            let noneAlg = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
            for (token, reason) in [
                (forged, UnauthenticatedReason.malformed), (foreign, .malformed), (wrongAudience, .malformed),
                (wrongIssuer, .malformed), (noneAlg, .malformed), (unknownUser, .inactiveAccount),
                ("garbage", .malformed), ("mps_short", .malformed), ("", .missing),
            ] {
                let error = await F.error { try await f.identity.authenticate(bearer: token) }
                #expect(error == .unauthenticated(reason), "\(token.prefix(24))")
                #expect(error?.apiError.status.code == 401)
            }
            f.clock.advance(seconds: 900 + 30)  // exp + leeway
            let expired = await F.error { try await f.identity.authenticate(bearer: pair.accessToken) }
            #expect(expired == .unauthenticated(.expired))
            #expect(expired?.apiError.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test func sessionsListShowsLiveFamilies() async throws {
        try await F.run { f in
            let (user, first, _) = try await f.signedIn("alice@example.com")
            _ = try await f.identity.login(
                email: "alice@example.com", password: F.password,
                context: AuditContext(ip: "198.51.100.7", userAgent: "phone"))
            _ = try await f.identity.refresh(refreshToken: first.refreshToken)
            let sessions = try await f.identity.sessions(userID: user.id)
            #expect(sessions.count == 2)
            #expect(sessions.contains { $0.ip == "198.51.100.7" && $0.userAgent == "phone" })
        }
    }
}
