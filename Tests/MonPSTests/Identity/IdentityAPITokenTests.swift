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
            _ = try await f.identity.createAPIToken(principal: viaToken, name: "same", scopes: [.readBets])
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
