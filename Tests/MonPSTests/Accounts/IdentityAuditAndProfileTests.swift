import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Identity: audit log and profile", .hangGuard)
struct IdentityAuditAndProfileTests {
    typealias F = IdentityFixture

    @Test func auditLogIsAppendOnly() async throws {
        try await F.run { f in
            try await f.audit.record(
                "bet.deleted", actor: UUID(), targetType: "bet", targetID: "42",
                context: AuditContext(ip: "192.0.2.9", requestID: "r-9", userAgent: "ua"), details: ["stake": 10])
            for statement: PostgresQuery in [
                "UPDATE audit_log SET action = 'auth.login.succeeded'",
                "UPDATE audit_log SET action = 'x.y' WHERE false",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
            ] {
                do {
                    try await f.rows(statement)
                    Issue.record("\(statement.sql) was allowed")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.message]?.contains("append-only") == true)
                }
            }
            let events = try await f.audit.list()
            #expect(events.count == 1)
            #expect(events[0].action == "bet.deleted" && events[0].targetID == "42" && events[0].ip == "192.0.2.9")
            #expect(events[0].decodedDetails["stake"] as? Int == 10)
        }
    }

    @Test func auditActionsMustBeWellFormed() async throws {
        try await F.run { f in
            await #expect(throws: PSQLError.self) { try await f.audit.record("Not An Action", actor: nil) }
        }
    }

    @Test func auditListIsNewestFirstFilteredAndPaginated() async throws {
        try await F.run { f in
            let actor = UUID()
            for index in 0..<5 {
                try await f.audit.record(
                    index % 2 == 0 ? "test.even" : "test.odd", actor: index < 3 ? actor : nil, targetID: "\(index)")
            }
            let all = try await f.audit.list()
            #expect(all.map(\.targetID) == ["4", "3", "2", "1", "0"])
            let page = try await f.audit.list(afterID: all[1].id, limit: 2)
            #expect(page.map(\.targetID) == ["2", "1"])
            #expect(
                try await f.audit.list(filter: AuditFilter(action: "test.even")).map(\.targetID) == ["4", "2", "0"])
            #expect(try await f.audit.list(filter: AuditFilter(actorUserID: actor)).map(\.targetID) == ["2", "1", "0"])
            #expect(
                try await f.audit.list(filter: AuditFilter(action: "test.odd", actorUserID: actor)).map(\.targetID) == [
                    "1"
                ])
        }
    }

    @Test func meAndDisplayNameUpdate() async throws {
        try await F.run { f in
            let (user, _, _) = try await f.signedIn("alice@example.com")
            #expect(try await f.identity.me(userID: user.id).email == "alice@example.com")
            let update = try await f.identity.updateProfile(userID: user.id, displayName: "  Alice B.  ")
            #expect(update.user.displayName == "Alice B.")
            #expect(update.tokens == nil)
            #expect(try await f.auditEvents(.userProfileUpdated).count == 1)
            let bad = await F.error { try await f.identity.updateProfile(userID: user.id, displayName: "\u{202E}evil") }
            #expect(bad?.apiError.status.code == 422)
        }
    }

    @Test func passwordChangeNeedsTheCurrentPasswordAndEndsOtherSessions() async throws {
        try await F.run { f in
            let (user, pair, _) = try await f.signedIn("alice@example.com")
            let other = try await f.identity.login(email: "alice@example.com", password: F.password)
            let newPassword = "a-much-better-passphrase-7"

            let missing = await F.error {
                try await f.identity.updateProfile(userID: user.id, newPassword: newPassword)
            }
            #expect(missing == .validation(field: "currentPassword", message: "is required to change the password"))
            let wrong = await F.error {
                try await f.identity.updateProfile(
                    userID: user.id, currentPassword: "not-my-password", newPassword: newPassword)
            }
            #expect(wrong == .invalidCurrentPassword)
            #expect(
                try await f.value("SELECT failed_login_count FROM users", as: Int.self) == 1,
                "counts towards the lockout")
            let weak = await F.error {
                try await f.identity.updateProfile(
                    userID: user.id, currentPassword: F.password, newPassword: "password1234")
            }
            guard case .weakPassword = weak else {
                Issue.record("expected weakPassword, got \(String(describing: weak))")
                return
            }
            let same = await F.error {
                try await f.identity.updateProfile(
                    userID: user.id, currentPassword: F.password, newPassword: F.password)
            }
            guard case .weakPassword = same else {
                Issue.record("expected weakPassword, got \(String(describing: same))")
                return
            }

            f.clock.advance(seconds: 2)
            let changed = try await f.identity.updateProfile(
                userID: user.id, currentPassword: F.password, newPassword: newPassword)
            let fresh = try #require(changed.tokens)
            // Every earlier session is gone, the caller's included; the returned one works.
            for old in [pair, other] {
                #expect(
                    await F.error { try await f.identity.authenticate(bearer: old.accessToken) }
                        == .unauthenticated(.revoked))
                #expect(
                    await F.error { try await f.identity.refresh(refreshToken: old.refreshToken) }
                        == .invalidRefreshToken)
            }
            #expect(try await f.identity.authenticate(bearer: fresh.accessToken).userID == user.id)
            _ = try await f.identity.refresh(refreshToken: fresh.refreshToken)
            #expect(
                await F.error { try await f.identity.login(email: "alice@example.com", password: F.password) }
                    == .invalidCredentials)
            _ = try await f.identity.login(email: "alice@example.com", password: newPassword)
            let event = try #require(try await f.auditEvents(.userPasswordChanged).first)
            #expect(event.decodedDetails["sessions_revoked"] as? Int == 2)
            #expect(!event.detailsJSON.contains(newPassword))
            let changedAt = try await f.value("SELECT password_changed_at FROM users", as: Date.self)
            #expect(abs(changedAt.timeIntervalSince(f.clock.now)) < 0.001)
        }
    }
}
