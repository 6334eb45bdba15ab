import Testing

@testable import MonPS

@Suite("Verified-token cache: a token's signature is checked once, its time window every time", .hangGuard)
struct VerifiedTokenCacheTests {
    let keys = try! JWTKeySet(secrets: [SecurityJWTKeySetTests.secretA])
    static let now = SecurityJWTKeySetTests.now

    func token(expiresAt: Int64 = now + 900, subject: String = "user-42") -> String {
        keys.sign(
            JWTClaims(
                subject: subject, role: "user", issuedAt: Self.now, notBefore: Self.now, expiresAt: expiresAt,
                issuer: SecurityJWTKeySetTests.iss, audience: SecurityJWTKeySetTests.aud, tokenID: "jti-\(subject)"))
    }

    final class Checks { var count = 0 }

    /// Verifies through `cache`, counting the signature checks.
    func claims(_ token: String, cache: VerifiedTokenCache, checks: Checks, now: Int64 = now) throws(JWTError) -> JWTClaims {
        try cache.claims(of: token, now: now) { token throws(JWTError) in
            checks.count += 1
            return try keys.verifySignature(
                token, expectedIssuer: SecurityJWTKeySetTests.iss, expectedAudience: SecurityJWTKeySetTests.aud)
        }
    }

    @Test func aTokenIsVerifiedOnceAndAnyOtherTextAgain() throws {
        let cache = VerifiedTokenCache(), checks = Checks()
        let token = token()
        #expect(try claims(token, cache: cache, checks: checks).subject == "user-42")
        #expect(try claims(token, cache: cache, checks: checks).subject == "user-42")
        #expect(checks.count == 1)
        // One changed byte of the signature is checked from scratch, refused and not remembered.
        let forged = String(token.dropLast(4)) + (token.hasSuffix("AAAA") ? "BBBB" : "AAAA")
        #expect(throws: JWTError.badSignature) { try claims(forged, cache: cache, checks: checks) }
        #expect(throws: JWTError.badSignature) { try claims(forged, cache: cache, checks: checks) }
        #expect(checks.count == 3)
        #expect(cache.count == 1)
    }

    @Test func theTimeWindowIsNotRemembered() throws {
        let cache = VerifiedTokenCache(), checks = Checks()
        let token = token(expiresAt: Self.now + 60)
        _ = try claims(token, cache: cache, checks: checks)
        // The remembered claims still carry the expiry, which the caller checks against its clock.
        let remembered = try claims(token, cache: cache, checks: checks, now: Self.now + 61)
        #expect(throws: JWTError.expired) { try JWTKeySet.checkTimes(of: remembered, now: Self.now + 61) }
        #expect(throws: Never.self) { try JWTKeySet.checkTimes(of: remembered, now: Self.now + 59) }
    }

    @Test func boundedInSizeDroppingExpiredTokensFirst() throws {
        let cache = VerifiedTokenCache(capacity: 3), checks = Checks()
        let expired = token(expiresAt: Self.now + 10, subject: "old")
        _ = try claims(expired, cache: cache, checks: checks)
        let live = (0..<2).map { token(subject: "u\($0)") }
        for token in live { _ = try claims(token, cache: cache, checks: checks) }
        #expect(cache.count == 3)
        // Full at a time the first token has expired: it goes, the live ones stay.
        _ = try claims(token(subject: "new"), cache: cache, checks: checks, now: Self.now + 20)
        #expect(cache.count == 3)
        let before = checks.count
        for token in live { _ = try claims(token, cache: cache, checks: checks, now: Self.now + 20) }
        #expect(checks.count == before)
        // Full with nothing expired: it starts again empty rather than growing.
        _ = try claims(token(subject: "another"), cache: cache, checks: checks, now: Self.now + 20)
        #expect(cache.count == 1)
    }
}
