import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Identity: personal API tokens", .hangGuard)
struct IdentityAPITokenTests {
    typealias F = IdentityFixture

    @Test func createdTokenAuthenticatesWithItsScopesAndIsStoredHashed() async throws {
        try await F.run { f in
            let (user, _, principal) = try await f.signedIn("alice@example.com")
            let (record, secret) = try await f.identity.createAPIToken(
                principal: principal, name: " CI upload ", scopes: [.readBets, .writeBets])
            #expect(secret.hasPrefix("mps_") && secret.count == APITokenSecret.length)
            #expect(record.name == "CI upload")
            #expect(record.displayPrefix == String(secret.prefix(12)))
            #expect(record.scopes == [.readBets, .writeBets])
            #expect(abs(record.expiresAt.timeIntervalSince(f.clock.now) - 90 * 86_400) < 1, "default lifetime")

            let (hash, scopes) = try await f.rows("SELECT token_hash, scopes FROM api_tokens").first!.decode(
                (String, [String]).self)
            #expect(hash == APITokenSecret.hash(secret) && hash != secret)
            #expect(scopes == ["read:bets", "write:bets"])

            let viaToken = try await f.identity.authenticate(bearer: secret)
            #expect(viaToken.userID == user.id)
            #expect(viaToken.credential == .apiToken(id: record.id))
            #expect(viaToken.scopes == [.readBets, .writeBets])

            let created = try await f.auditEvents(.tokenCreated)
            #expect(created.count == 1 && created[0].targetID == record.id.uuidString.lowercased())
            #expect(!created[0].detailsJSON.contains(secret))
            #expect(created[0].detailsJSON.contains(record.displayPrefix))
        }
    }

    @Test func aViewerCannotGrantWriteScopes() async throws {
        try await F.run { f in
            let (_, _, viewer) = try await f.signedIn("viewer@example.com", role: .viewer)
            #expect(viewer.scopes == [.readPublic])
            let error = await F.error {
                try await f.identity.createAPIToken(principal: viewer, name: "x", scopes: [.readPublic, .writeBets])
            }
            #expect(error == .scopeNotAllowed(.writeBets))
            #expect(error?.apiError.status.code == 403)
            #expect(error?.apiError.detail?.contains("write:bets") == true)
            #expect(try await f.value("SELECT count(*)::int FROM api_tokens", as: Int.self) == 0)
        }
    }

    @Test func aNarrowTokenCannotMintABroaderOne() async throws {
        try await F.run { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let (_, secret) = try await f.identity.createAPIToken(
                principal: principal, name: "read", scopes: [.readBets])
            let viaToken = try await f.identity.authenticate(bearer: secret)
            let error = await F.error {
                try await f.identity.createAPIToken(
                    principal: viaToken, name: "escalate", scopes: [.readBets, .writeBets])
            }
            #expect(error == .scopeNotAllowed(.writeBets))
            // An API token carries no sign-in time: minting another takes the password.
            #expect(
                await F.error { try await f.identity.createAPIToken(principal: viaToken, name: "same", scopes: [.readBets]) }
                    == .recentAuthenticationRequired(windowSeconds: 300))
            _ = try await f.identity.createAPIToken(
                principal: viaToken, name: "same", scopes: [.readBets], currentPassword: F.password)
        }
    }

    @Test func creatingATokenNeedsARecentSignInOrThePassword() async throws {
        try await F.run { f in
            let (user, _, principal) = try await f.signedIn("alice@example.com")
            #expect(principal.authenticatedAt.map { abs($0.timeIntervalSince(f.clock.now)) < 1 } == true)
            _ = try await f.identity.createAPIToken(principal: principal, name: "fresh", scopes: [.readBets])

            // Past the window (5 min + the 30 s leeway), the same access token is no longer enough…
            f.clock.advance(seconds: 331)
            let stale = await F.error {
                try await f.identity.createAPIToken(principal: principal, name: "stale", scopes: [.readBets])
            }
            #expect(stale == .recentAuthenticationRequired(windowSeconds: 300))
            #expect(stale?.apiError.status.code == 403)
            // …a wrong password is refused and counts towards the lockout…
            let wrong = await F.error {
                try await f.identity.createAPIToken(
                    principal: principal, name: "stale", scopes: [.readBets], currentPassword: "not-the-password")
            }
            #expect(wrong == .invalidCurrentPassword)
            #expect(
                try await f.value("SELECT failed_login_count FROM users WHERE id = \(user.id)", as: Int.self) == 1)
            // …and the right one lets it through.
            _ = try await f.identity.createAPIToken(
                principal: principal, name: "stale", scopes: [.readBets], currentPassword: F.password)
            #expect(try await f.value("SELECT count(*)::int FROM api_tokens", as: Int.self) == 2)

            // A refresh keeps the sign-in time (a refreshed token is not a new proof of the password).
            let refreshed = try await f.identity.login(email: "alice@example.com", password: F.password)
            f.clock.advance(seconds: 331)
            let rotated = try await f.identity.refresh(refreshToken: refreshed.refreshToken)
            let viaRotated = try await f.identity.authenticate(bearer: rotated.accessToken)
            #expect(
                await F.error { try await f.identity.createAPIToken(principal: viaRotated, name: "r", scopes: [.readBets]) }
                    == .recentAuthenticationRequired(windowSeconds: 300))
        }
    }

    @Test func apiTokensDieWithAPasswordChangeLogoutEverywhereAndRefreshReplay() async throws {
        try await F.run { f in
            let (user, _, principal) = try await f.signedIn("alice@example.com")
            func mint() async throws -> String {
                try await f.identity.createAPIToken(
                    principal: principal, name: "t", scopes: [.readBets], currentPassword: F.password
                ).secret
            }
            func isRevoked(_ secret: String) async -> Bool {
                await F.error { try await f.identity.authenticate(bearer: secret) } == .unauthenticated(.revoked)
            }

            let beforePasswordChange = try await mint()
            _ = try await f.identity.updateProfile(
                userID: user.id, currentPassword: F.password, newPassword: F.password + "-next")
            #expect(await isRevoked(beforePasswordChange))
            let changed = try await f.auditEvents(.userPasswordChanged)
            #expect(changed.last?.detailsJSON.replacingOccurrences(of: " ", with: "").contains(#""api_tokens_revoked":1"#) == true)

            let password = F.password + "-next"
            let session = try await f.identity.login(email: "alice@example.com", password: password)
            let principal2 = try await f.identity.authenticate(bearer: session.accessToken)
            let beforeLogoutAll = try await f.identity.createAPIToken(
                principal: principal2, name: "t", scopes: [.readBets]
            ).secret
            try await f.identity.logoutAll(userID: user.id)
            #expect(await isRevoked(beforeLogoutAll))

            let again = try await f.identity.login(email: "alice@example.com", password: password)
            let principal3 = try await f.identity.authenticate(bearer: again.accessToken)
            let beforeReplay = try await f.identity.createAPIToken(
                principal: principal3, name: "t", scopes: [.readBets]
            ).secret
            _ = try await f.identity.refresh(refreshToken: again.refreshToken)
            #expect(await F.error { try await f.identity.refresh(refreshToken: again.refreshToken) } == .invalidRefreshToken)
            #expect(await isRevoked(beforeReplay))
            #expect(
                try await f.value(
                    "SELECT count(*)::int FROM api_tokens WHERE user_id = \(user.id) AND revoked_at IS NULL", as: Int.self)
                    == 0)
        }
    }

    @Test func effectiveScopesFollowTheOwnersCurrentRole() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (user, _, principal) = try await f.signedIn("alice@example.com")
            let (_, secret) = try await f.identity.createAPIToken(
                principal: principal, name: "t", scopes: [.readPublic, .writeBets])
            _ = try await f.admin.updateUser(actor: root, id: user.id, role: .viewer)
            let demoted = try await f.identity.authenticate(bearer: secret)
            #expect(demoted.role == .viewer)
            #expect(demoted.scopes == [.readPublic])
        }
    }

    @Test func revokedAndExpiredTokensAreRefused() async throws {
        try await F.run { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let (revoked, revokedSecret) = try await f.identity.createAPIToken(
                principal: principal, name: "a", scopes: [.readBets])
            let (_, shortSecret) = try await f.identity.createAPIToken(
                principal: principal, name: "b", scopes: [.readBets], expiresAt: f.clock.now.addingTimeInterval(3600))
            try await f.identity.revokeAPIToken(principal: principal, id: revoked.id)
            try await f.identity.revokeAPIToken(principal: principal, id: revoked.id)  // idempotent
            #expect(
                await F.error { try await f.identity.authenticate(bearer: revokedSecret) } == .unauthenticated(.revoked)
            )
            #expect(try await f.identity.authenticate(bearer: shortSecret).has(.readBets))
            f.clock.advance(seconds: 3601)
            #expect(
                await F.error { try await f.identity.authenticate(bearer: shortSecret) } == .unauthenticated(.expired))
            #expect(try await f.auditEvents(.tokenRevoked).count == 1)
            // A well-formed token that was never issued, and one with a broken checksum.
            let unknown = try APITokenSecret.generate().token
            #expect(
                await F.error { try await f.identity.authenticate(bearer: unknown) } == .unauthenticated(.unknownToken))
            let typo = String(revokedSecret.dropLast()) + (revokedSecret.hasSuffix("A") ? "B" : "A")
            #expect(await F.error { try await f.identity.authenticate(bearer: typo) } == .unauthenticated(.malformed))
        }
    }

    @Test func someoneElsesTokenIsNotFound() async throws {
        try await F.run { f in
            let (_, _, alice) = try await f.signedIn("alice@example.com")
            let (_, _, mallory) = try await f.signedIn("mallory@example.com")
            let (token, secret) = try await f.identity.createAPIToken(
                principal: alice, name: "mine", scopes: [.readBets])
            let error = await F.error { try await f.identity.revokeAPIToken(principal: mallory, id: token.id) }
            #expect(error == .notFound("no API token with this id"))
            #expect(error?.apiError.status.code == 404)
            #expect(await F.error { try await f.identity.revokeAPIToken(principal: mallory, id: UUID()) } == error)
            #expect(try await f.identity.authenticate(bearer: secret).userID == alice.userID)
            #expect(try await f.identity.listAPITokens(userID: mallory.userID).isEmpty)
        }
    }

    @Test func inputIsValidated() async throws {
        try await F.run { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let now = f.clock.now
            let cases: [(String, Set<Scope>, Date?, String)] = [
                ("", [.readBets], nil, "name"), (String(repeating: "n", count: 101), [.readBets], nil, "name"),
                ("bad\u{0007}name", [.readBets], nil, "name"), ("x", [], nil, "scopes"),
                ("x", [.readBets], now.addingTimeInterval(-1), "expiresAt"),
                ("x", [.readBets], now.addingTimeInterval(367 * 86_400), "expiresAt"),
            ]
            for (name, scopes, expiry, field) in cases {
                let error = await F.error {
                    try await f.identity.createAPIToken(
                        principal: principal, name: name, scopes: scopes, expiresAt: expiry)
                }
                guard case .validation(let reported, _) = error else {
                    Issue.record("expected a validation error on \(field), got \(String(describing: error))")
                    continue
                }
                #expect(reported == field)
                #expect(error?.apiError.status.code == 422)
            }
        }
    }

    @Test func activeTokensPerUserAreLimited() async throws {
        try await F.run(settings: IdentitySettings(maximumActiveAPITokens: 3)) { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            var ids: [UUID] = []
            for index in 0..<3 {
                ids.append(
                    try await f.identity.createAPIToken(principal: principal, name: "t\(index)", scopes: [.readBets])
                        .token.id)
            }
            let error = await F.error {
                try await f.identity.createAPIToken(principal: principal, name: "t4", scopes: [.readBets])
            }
            #expect(error == .tooManyAPITokens(limit: 3))
            #expect(error?.apiError.status.code == 409)
            try await f.identity.revokeAPIToken(principal: principal, id: ids[0])
            _ = try await f.identity.createAPIToken(principal: principal, name: "t4", scopes: [.readBets])
        }
    }

    @Test func concurrentCreationsRespectTheLimit() async throws {
        try await F.run(settings: IdentitySettings(maximumActiveAPITokens: 2)) { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let created = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        (try? await f.identity.createAPIToken(
                            principal: principal, name: "t\(index)", scopes: [.readBets])) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == 2)
            #expect(try await f.value("SELECT count(*)::int FROM api_tokens", as: Int.self) == 2)
        }
    }

    @Test func listingIsNewestFirstAndKeysetPaginated() async throws {
        try await F.run { f in
            let (user, _, principal) = try await f.signedIn("alice@example.com")
            var ids: [UUID] = []
            for index in 0..<5 {
                f.clock.advance(seconds: 1)
                ids.append(
                    try await f.identity.createAPIToken(principal: principal, name: "t\(index)", scopes: [.readBets])
                        .token.id)
            }
            try await f.identity.revokeAPIToken(principal: principal, id: ids[4])
            let firstPage = try await f.identity.listAPITokens(userID: user.id, limit: 2)
            #expect(firstPage.map(\.id) == [ids[3], ids[2]])
            let secondPage = try await f.identity.listAPITokens(userID: user.id, afterID: firstPage.last?.id, limit: 2)
            #expect(secondPage.map(\.id) == [ids[1], ids[0]])
            let all = try await f.identity.listAPITokens(userID: user.id, includeInactive: true)
            #expect(all.map(\.id) == ids.reversed())
            #expect(all[0].state(at: f.clock.now) == .revoked)
        }
    }

    @Test func usageIsBufferedAndWrittenInOneFlush() async throws {
        try await F.run { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let (token, secret) = try await f.identity.createAPIToken(
                principal: principal, name: "t", scopes: [.readBets])
            let (other, otherSecret) = try await f.identity.createAPIToken(
                principal: principal, name: "u", scopes: [.readBets])
            _ = try await f.identity.authenticate(bearer: secret, context: AuditContext(ip: "203.0.113.1"))
            f.clock.advance(seconds: 10)
            let secondUse = f.clock.now
            _ = try await f.identity.authenticate(bearer: secret, context: AuditContext(ip: "203.0.113.2"))
            _ = try await f.identity.authenticate(bearer: otherSecret)

            // Nothing written yet.
            #expect(
                try await f.value("SELECT count(*)::int FROM api_tokens WHERE last_used_at IS NOT NULL", as: Int.self)
                    == 0)
            #expect(f.usage.pendingCount == 2)

            try await f.usage.flush()
            #expect(f.usage.pendingCount == 0)
            let (usedAt, ip) = try await f.rows(
                "SELECT last_used_at, last_used_ip FROM api_tokens WHERE id = \(token.id)"
            )
            .first!.decode((Date?, String?).self)
            #expect(usedAt.map { abs($0.timeIntervalSince(secondUse)) < 0.001 } == true)
            #expect(ip == "203.0.113.2")
            let otherIP = try await f.value(
                "SELECT last_used_ip FROM api_tokens WHERE id = \(other.id)", as: String?.self)
            #expect(otherIP == nil)
            try await f.usage.flush()  // nothing pending: no statement

            // An older usage never overwrites a newer stored one.
            f.usage.record(tokenID: token.id, at: secondUse.addingTimeInterval(-100), ip: "198.51.100.1")
            try await f.usage.flush()
            #expect(
                try await f.value("SELECT last_used_ip FROM api_tokens WHERE id = \(token.id)", as: String?.self)
                    == "203.0.113.2")
        }
    }

    @Test func usageRecorderRunLoopFlushesOnCancellation() async throws {
        try await F.run { f in
            let (_, _, principal) = try await f.signedIn("alice@example.com")
            let (token, secret) = try await f.identity.createAPIToken(
                principal: principal, name: "t", scopes: [.readBets])
            let recorder = TokenUsageRecorder(database: f.database, flushInterval: .seconds(3600))
            let identity = IdentityService(
                database: f.database, hasher: f.hasher, keys: f.keys, settings: f.settings, usage: recorder,
                now: f.clock.closure)
            let loop = Task { await recorder.run() }
            _ = try await identity.authenticate(bearer: secret)
            loop.cancel()
            await loop.value
            #expect(
                try await f.value("SELECT last_used_at FROM api_tokens WHERE id = \(token.id)", as: Date?.self) != nil)
        }
    }
}
