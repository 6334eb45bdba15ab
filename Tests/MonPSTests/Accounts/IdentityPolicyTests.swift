import Foundation
import HTTPTypes
import Testing

@testable import MonPS

/// Pure rules: no database.
@Suite("Identity rules", .hangGuard)
struct IdentityPolicyTests {
    @Test func emailIsTrimmedLowerCasedAndNFKCNormalised() throws {
        let email = try EmailAddress("  Alice@Example.COM ")
        #expect(email.entered == "Alice@Example.COM")
        #expect(email.normalized == "alice@example.com")
        // Full-width letters fold to ASCII under NFKC.
        #expect(try EmailAddress("ＡＬＩＣＥ@example.com").normalized == "alice@example.com")
        #expect(EmailAddress.normalize(" BOB@Example.org\n") == "bob@example.org")
    }

    @Test(arguments: [
        "", "   ", "alice", "alice@", "@example.com", "alice@example", "a b@example.com", "alice@@example.com",
        "alice@exa mple.com", ".alice@example.com", "alice..x@example.com", "alice@-example.com",
        "al\u{202E}ice@example.com", "alice@example.com\u{0000}", String(repeating: "a", count: 65) + "@example.com",
        "alice@" + String(repeating: "a", count: 250) + ".com", "<alice>@example.com",
    ])
    func implausibleEmailsAreRefused(_ raw: String) {
        #expect(throws: IdentityError.self) { try EmailAddress(raw) }
    }

    @Test(arguments: ["a@b.co", "first.last+tag@sub.example.co.uk", "josé@exämple.com", "x_y-z@a-b.io"])
    func plausibleEmailsAreAccepted(_ raw: String) throws {
        _ = try EmailAddress(raw)
    }

    @Test func passwordPolicy() throws {
        let policy = PasswordPolicy()
        let email = try EmailAddress("alice.smith@example.com")
        try policy.validate("correct-horse-battery-9", email: email)
        try policy.validate("Tr0ub4dor&3xyz", email: email)
        try policy.validate("ünïcödé pässwörd", email: email)

        func reason(_ password: String) -> String? {
            do {
                try policy.validate(password, email: email)
                return nil
            } catch {
                guard case .weakPassword(let message) = error else { return "unexpected \(error)" }
                return message
            }
        }
        #expect(reason("short")?.contains("at least 12") == true)
        #expect(reason("elevenchars")?.contains("at least 12") == true)
        #expect(reason(String(repeating: "x1", count: 513))?.contains("bytes") == true)
        for common in [
            "password1234", "PASSWORD1234", "qwertyuiop12", "QwertyUiop12", "123456789012",
            "passwordpassword", "Password!!!!", "iloveyou1234", "correct horse battery staple",
        ] {
            #expect(reason(common)?.contains("too common") == true, "\(common)")
        }
        #expect(reason("aaaaaaaaaaaaaa") != nil)
        #expect(reason("abababababababab")?.contains("repetitive") == true)
        #expect(reason("abcdefghijklmnop")?.contains("sequential") == true)
        #expect(reason("9876543210987")?.contains("sequential") == true)
        #expect(reason("alice.smith@example.com")?.contains("email") == true)
        #expect(reason("ALICE.SMITH@EXAMPLE.COM")?.contains("email") == true)
        // 4-byte scalars: 12 characters, 48 bytes.
        try policy.validate(String(repeating: "😀🎲🏇🎯", count: 3), email: nil)
    }

    @Test func passwordsAreNFKCNormalised() {
        let composed = "caf\u{00E9}-au-lait-42"
        let decomposed = "cafe\u{0301}-au-lait-42"
        // Swift's == is canonical equivalence, but argon2 hashes the bytes, which differ.
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        #expect(PasswordPolicy.normalize(composed) == PasswordPolicy.normalize(decomposed))
        #expect(Array(PasswordPolicy.normalize(composed).utf8) == Array(PasswordPolicy.normalize(decomposed).utf8))
    }

    @Test func scopesByRole() throws {
        #expect(Scope.allowed(for: .viewer) == [.readPublic])
        #expect(Scope.allowed(for: .user) == Set(Scope.allCases).subtracting([.admin, .writeOdds]))
        #expect(Scope.allowed(for: .admin) == Set(Scope.allCases))
        #expect(Scope.claim([.writeBets, .readBets]) == "read:bets write:bets")
        #expect(throws: IdentityError.validation(field: "scopes", message: "unknown scope \"root\"")) {
            try Scope.parse(["read:bets", "root"])
        }
        #expect(try Scope.parse(["read:bets", "read:bets"]) == [.readBets])
    }

    @Test func principalScopesAreCappedByRole() {
        let principal = Principal(
            userID: UUID(), role: .viewer, scopes: [.readPublic, .writeBets, .admin], credential: .apiToken(id: UUID()))
        #expect(principal.scopes == [.readPublic])
        #expect(!principal.isAdmin)
        #expect(throws: IdentityError.insufficientScope(.writeBets)) { try principal.require(.writeBets) }
        let admin = Principal(userID: UUID(), role: .admin, scopes: [.readBets], credential: .accessToken(jti: "x"))
        #expect(!admin.isAdmin, "an admin's credential without the admin scope is not admin")
    }

    @Test func errorsMapToProblemStatuses() {
        let cases: [(IdentityError, Int)] = [
            (.invalidCredentials, 401), (.invalidRefreshToken, 401), (.unauthenticated(.expired), 401),
            (.registrationClosed, 403), (.insufficientScope(.admin), 403), (.scopeNotAllowed(.writeBets), 403),
            (.forbidden("no"), 403), (.invalidCurrentPassword, 403), (.notFound("x"), 404), (.emailTaken, 409),
            (.lastAdmin, 409), (.tooManyAPITokens(limit: 50), 409), (.validation(field: "a", message: "b"), 422),
            (.weakPassword("too short"), 422),
        ]
        for (error, status) in cases {
            #expect(Int(error.apiError.status.code) == status, "\(error)")
            #expect(error.apiError.detail?.isEmpty == false)
        }
    }

    @Test func unauthenticatedCarriesBearerChallenge() {
        let invalid = IdentityError.unauthenticated(.revoked).apiError
        #expect(invalid.headers[.wwwAuthenticate] == #"Bearer realm="monps", error="invalid_token""#)
        // Revoked, disabled and unknown look alike to the client.
        #expect(IdentityError.unauthenticated(.inactiveAccount).apiError == invalid)
        #expect(IdentityError.unauthenticated(.unknownToken).apiError == invalid)
        #expect(
            IdentityError.unauthenticated(.expired).apiError.headers[.wwwAuthenticate]?.contains("invalid_token")
                == true)
        #expect(IdentityError.unauthenticated(.missing).apiError.headers[.wwwAuthenticate] == #"Bearer realm="monps""#)
        let scope = IdentityError.insufficientScope(.writeBets).apiError
        #expect(scope.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="write:bets""#) == true)
        #expect(IdentityError.scopeNotAllowed(.writeBets).apiError.detail?.contains("write:bets") == true)
    }

    @Test func auditContextIsSanitised() {
        let context = AuditContext(
            ip: "10.0.0.1\n", requestID: String(repeating: "r", count: 300), userAgent: "curl\u{1B}[31m/8")
        let clean = context.sanitized
        #expect(clean.ip == "10.0.0.1")
        #expect(clean.requestID?.count == 128)
        #expect(clean.userAgent == "curl[31m/8")
    }

    @Test func tokenPairDescriptionRedactsSecrets() {
        let pair = TokenPair(
            accessToken: "eyJsecret", expiresIn: 900, refreshToken: "refresh-secret", refreshExpiresIn: 10,
            userID: UUID(), role: .user, scopes: [])
        #expect(!String(describing: pair).contains("secret"))
    }
}
