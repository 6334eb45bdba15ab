import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Identity: registration and login", .hangGuard)
struct IdentityLoginTests {
    typealias F = IdentityFixture

    @Test func registerNormalisesEmailAndAlwaysCreatesAUser() async throws {
        try await F.run { f in
            let user = try await f.identity.register(
                email: "  Alice@Example.COM ", password: F.password, displayName: "  Alice  ")
            #expect(user.role == .user)
            #expect(user.status == .active)
            #expect(user.email == "Alice@Example.COM")
            #expect(user.displayName == "Alice")
            let (email, normalized, role, hash) = try await f.rows(
                "SELECT email, email_normalized, role, password_hash FROM users WHERE id = \(user.id)"
            ).first!.decode((String, String, String, String).self)
            #expect(email == "Alice@Example.COM")
            #expect(normalized == "alice@example.com")
            #expect(role == "user")
            #expect(hash.hasPrefix("$argon2id$v=19$"))
            #expect(!hash.contains(F.password))
            #expect(try await f.auditActions() == ["user.registered"])
        }
    }

    @Test func duplicateEmailIsAConflict() async throws {
        try await F.run { f in
            try await f.register("alice@example.com")
            let error = await F.error { try await f.register(" ALICE@example.COM") }
            #expect(error == .emailTaken)
            #expect(error?.apiError.status.code == 409)
            #expect(try await f.value("SELECT count(*)::int FROM users", as: Int.self) == 1)
        }
    }

    @Test func weakPasswordsAreRefused() async throws {
        try await F.run { f in
            for password in [
                "short", "password1234", "QWERTYUIOP12", "aaaaaaaaaaaaaaa", "alice@example.com",
                String(repeating: "long-", count: 300),
            ] {
                let error = await F.error { try await f.register("alice@example.com", password: password) }
                guard case .weakPassword = error else {
                    Issue.record("expected weakPassword for \(password.prefix(20)), got \(String(describing: error))")
                    continue
                }
                #expect(error?.apiError.status.code == 422)
            }
            let users = try await f.value("SELECT count(*)::int FROM users", as: Int.self)
            #expect(users == 0)
        }
    }

    @Test func closedRegistrationIsForbidden() async throws {
        try await F.run(settings: IdentitySettings(registrationOpen: false)) { f in
            let error = await F.error { try await f.register() }
            #expect(error == .registrationClosed)
            #expect(error?.apiError.status.code == 403)
            let users = try await f.value("SELECT count(*)::int FROM users", as: Int.self)
            #expect(users == 0)
        }
    }

    @Test func invalidProfileFieldsAreValidationErrors() async throws {
        try await F.run { f in
            let badEmail = await F.error {
                try await f.identity.register(email: "not-an-email", password: F.password, displayName: "A")
            }
            #expect(badEmail == .validation(field: "email", message: "is not a valid email address"))
            let emptyName = await F.error {
                try await f.identity.register(email: "a@example.com", password: F.password, displayName: "   ")
            }
            #expect(emptyName?.apiError.status.code == 422)
            let longName = await F.error {
                try await f.identity.register(
                    email: "a@example.com", password: F.password, displayName: String(repeating: "n", count: 101))
            }
            #expect(longName?.apiError.status.code == 422)
        }
    }

    @Test func loginIssuesAccessTokenWithExpectedClaims() async throws {
        try await F.run { f in
            let user = try await f.register()
            let pair = try await f.identity.login(email: " ALICE@example.com", password: F.password)
            #expect(pair.expiresIn == 900)
            #expect(pair.refreshExpiresIn == 30 * 86_400)
            #expect(pair.role == .user)
            let claims = try f.keys.verify(
                pair.accessToken, now: IdentityFormat.epochSeconds(f.clock.now), expectedIssuer: "monps",
                expectedAudience: "monps-api")
            #expect(claims.subject == user.id.uuidString.lowercased())
            #expect(claims.role == "user")
            #expect(claims.issuer == "monps")
            #expect(claims.audience == "monps-api")
            #expect(claims.expiresAt - claims.issuedAt == 900)
            #expect(claims.issuedAt == IdentityFormat.epochSeconds(f.clock.now))
            #expect(claims.tokenID.count >= 22)
            #expect(claims.scopes == Set(Scope.allowed(for: .user).map { Substring($0.rawValue) }))
            let header = try F.jwtHeader(pair.accessToken)
            #expect(header["kid"] as? String == f.keys.signingKeyID)
            #expect(header["alg"] as? String == "HS256")

            // The refresh token is stored only as its hash, in a new family.
            #expect(OpaqueSecret.parse(pair.refreshToken) != nil)
            let stored = try await f.rows("SELECT token_hash, user_id, used_at, revoked_at FROM refresh_tokens")
            #expect(stored.count == 1)
            let (hash, owner, used, revoked) = try stored[0].decode((String, UUID, Date?, Date?).self)
            #expect(hash == OpaqueSecret.hash(pair.refreshToken))
            #expect(hash != pair.refreshToken)
            #expect(owner == user.id)
            #expect(used == nil && revoked == nil)
            let lastLogin = try await f.value("SELECT last_login_at FROM users", as: Date?.self)
            #expect(lastLogin != nil)
            #expect(try await f.auditActions() == ["user.registered", "auth.login.succeeded"])
        }
    }

    @Test func wrongPasswordAndUnknownEmailFailIdentically() async throws {
        try await F.run { f in
            try await f.register()
            let wrongPassword = await F.error {
                try await f.identity.login(email: "alice@example.com", password: "nope-nope-nope")
            }
            let unknownEmail = await F.error {
                try await f.identity.login(email: "bob@example.com", password: F.password)
            }
            let malformedEmail = await F.error { try await f.identity.login(email: "", password: F.password) }
            #expect(wrongPassword == .invalidCredentials)
            #expect(unknownEmail == wrongPassword)
            #expect(malformedEmail == wrongPassword)
            #expect(unknownEmail?.apiError == wrongPassword?.apiError)
            #expect(wrongPassword?.apiError.status.code == 401)

            let failures = try await f.auditEvents(.loginFailed)
            #expect(failures.count == 3)
            for event in failures {
                #expect(event.actorUserID == nil && event.targetID == nil)
                #expect(event.detailsJSON.contains("email_digest"))
                #expect(!event.detailsJSON.contains("alice") && !event.detailsJSON.contains("bob"))
            }
            // Only the existing account counts the failure.
            #expect(try await f.value("SELECT failed_login_count FROM users", as: Int.self) == 1)
        }
    }

    @Test func accountLocksAfterRepeatedFailuresAndUnlocksLater() async throws {
        try await F.run(settings: IdentitySettings(lockoutThreshold: 10, lockoutDuration: 900)) { f in
            let user = try await f.register()
            for _ in 0..<10 {
                let error = await F.error {
                    try await f.identity.login(email: "alice@example.com", password: "wrong-password-1")
                }
                #expect(error == .invalidCredentials)
            }
            let lockedUntil = try await f.value("SELECT locked_until FROM users", as: Date?.self)
            #expect(lockedUntil.map { abs($0.timeIntervalSince(f.clock.now) - 900) < 1 } == true)
            // Locked: even the right password gets the very same error, and the lock is not extended.
            let whileLocked = await F.error {
                try await f.identity.login(email: "alice@example.com", password: F.password)
            }
            #expect(whileLocked == .invalidCredentials)
            _ = await F.error { try await f.identity.login(email: "alice@example.com", password: "wrong-password-1") }
            #expect(try await f.value("SELECT locked_until FROM users", as: Date?.self) == lockedUntil)
            let locks = try await f.auditEvents(.accountLocked)
            #expect(locks.count == 1 && locks[0].targetID == user.id.uuidString.lowercased())

            f.clock.advance(seconds: 901)
            _ = try await f.identity.login(email: "alice@example.com", password: F.password)
            let (count, until) = try await f.rows("SELECT failed_login_count, locked_until FROM users").first!
                .decode((Int, Date?).self)
            #expect(count == 0 && until == nil)
        }
    }

    @Test func successResetsTheFailureCount() async throws {
        try await F.run { f in
            try await f.register()
            for _ in 0..<9 {
                _ = await F.error {
                    try await f.identity.login(email: "alice@example.com", password: "wrong-password-1")
                }
            }
            _ = try await f.identity.login(email: "alice@example.com", password: F.password)
            for _ in 0..<9 {
                _ = await F.error {
                    try await f.identity.login(email: "alice@example.com", password: "wrong-password-1")
                }
            }
            #expect(try await f.value("SELECT locked_until FROM users", as: Date?.self) == nil)
            _ = try await f.identity.login(email: "alice@example.com", password: F.password)
        }
    }

    @Test func loginUpgradesAWeakerHash() async throws {
        try await F.run { f in
            try await f.register()  // m=8 KiB, t=1
            let before = try await f.value("SELECT password_hash FROM users", as: String.self)
            #expect(before.contains("m=8,t=1,p=1"))
            let stronger = f.with(
                hasher: PasswordHasher(parameters: try PasswordHashParameters(memoryKiB: 16, iterations: 2)))
            #expect(stronger.hasher.needsRehash(encoded: before))
            _ = try await stronger.identity.login(email: "alice@example.com", password: F.password)
            let after = try await f.value("SELECT password_hash FROM users", as: String.self)
            #expect(after.contains("m=16,t=2,p=1"))
            #expect(!stronger.hasher.needsRehash(encoded: after))
            // Still the same password, under either service.
            _ = try await stronger.identity.login(email: "alice@example.com", password: F.password)
            let event = try await f.auditEvents(.loginSucceeded).last  // newest first: .last is the upgrading login
            #expect(event?.decodedDetails["hash_upgraded"] as? Bool == true)
        }
    }

    @Test func passwordWithDecomposedAccentsMatchesComposed() async throws {
        try await F.run { f in
            try await f.register("alice@example.com", password: "caf\u{00E9}-au-lait-42")
            _ = try await f.identity.login(email: "alice@example.com", password: "cafe\u{0301}-au-lait-42")
        }
    }
}
