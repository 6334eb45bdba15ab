import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Identity: administration", .hangGuard)
struct IdentityAdminTests {
    typealias F = IdentityFixture

    @Test func bootstrapAdminWithGeneratedPassword() async throws {
        try await F.run { f in
            let (admin, generated) = try await f.admin.createAdmin(email: "Root@Example.com")
            #expect(admin.role == .admin)
            let password = try #require(generated)
            #expect(password.count == 25)
            let pair = try await f.identity.login(email: "root@example.com", password: password)
            #expect(try await f.identity.authenticate(bearer: pair.accessToken).isAdmin)
            let event = try #require(try await f.auditEvents(.userCreated).first)
            #expect(event.actorUserID == nil)
            #expect(event.decodedDetails["via"] as? String == "bootstrap")
            #expect(!event.detailsJSON.contains(password))
            #expect(await F.error { try await f.admin.createAdmin(email: "root@example.com") } == .emailTaken)
        }
    }

    @Test func adminCreatesUsersOfAnyRole() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (viewer, generated) = try await f.admin.createUser(
                actor: root, email: "v@example.com", displayName: "V", role: .viewer)
            #expect(viewer.role == .viewer)
            let pair = try await f.identity.login(email: "v@example.com", password: try #require(generated))
            #expect(try await f.identity.authenticate(bearer: pair.accessToken).scopes == [.readPublic])
            let (_, none) = try await f.admin.createUser(
                actor: root, email: "u@example.com", password: F.password, displayName: "U", role: .user)
            #expect(none == nil)
            let weak = await F.error {
                try await f.admin.createUser(
                    actor: root, email: "w@example.com", password: "password1234", displayName: "W", role: .user)
            }
            guard case .weakPassword = weak else {
                Issue.record("expected weakPassword, got \(String(describing: weak))")
                return
            }
            let event = try #require(try await f.auditEvents(.userCreated).first)
            #expect(event.actorUserID == root.userID)
        }
    }

    @Test func nonAdminsAreForbidden() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (user, _, alice) = try await f.signedIn("alice@example.com")
            // An admin's API token without the admin scope is not an admin credential either.
            let (_, secret) = try await f.identity.createAPIToken(principal: root, name: "ro", scopes: [.readBets])
            let adminToken = try await f.identity.authenticate(bearer: secret)
            for actor in [alice, adminToken] {
                #expect(await F.error { try await f.admin.listUsers(actor: actor) }?.apiError.status.code == 403)
                #expect(
                    await F.error { try await f.admin.updateUser(actor: actor, id: user.id, role: .admin) }?.apiError
                        .status.code == 403)
                #expect(
                    await F.error { try await f.admin.deleteUser(actor: actor, id: root.userID) }?.apiError.status.code
                        == 403)
                #expect(
                    await F.error {
                        try await f.admin.createUser(
                            actor: actor, email: "x@example.com", displayName: "X", role: .admin)
                    }?.apiError.status.code == 403)
                #expect(await F.error { try await f.admin.auditLog(actor: actor) }?.apiError.status.code == 403)
            }
            #expect(try await f.value("SELECT role FROM users WHERE id = \(user.id)", as: String.self) == "user")
        }
    }

    @Test func listFiltersAndPaginates() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            var ids: [UUID] = []
            for name in ["anna", "bert", "carla", "dora"] {
                f.clock.advance(seconds: 1)
                ids.append(try await f.register("\(name)@Example.org").id)
            }
            try await f.admin.deleteUser(actor: root, id: ids[3])
            _ = try await f.admin.updateUser(actor: root, id: ids[2], disabled: true)

            let all = try await f.admin.listUsers(actor: root)
            #expect(all.count == 4, "deleted accounts are hidden by default")
            let page1 = try await f.admin.listUsers(actor: root, limit: 2)
            let page2 = try await f.admin.listUsers(actor: root, afterID: page1.last?.id, limit: 2)
            #expect((page1 + page2).map(\.id) == all.map(\.id))
            #expect(
                try await f.admin.listUsers(actor: root, filter: UserListFilter(emailContains: "EXAMPLE.ORG")).count
                    == 3)
            #expect(try await f.admin.listUsers(actor: root, filter: UserListFilter(emailContains: "%")).isEmpty)
            #expect(
                try await f.admin.listUsers(actor: root, filter: UserListFilter(role: .admin)).map(\.id) == [
                    root.userID
                ])
            #expect(
                try await f.admin.listUsers(actor: root, filter: UserListFilter(status: .disabled)).map(\.id) == [
                    ids[2]
                ])
            #expect(
                try await f.admin.listUsers(actor: root, filter: UserListFilter(status: .deleted)).map(\.id) == [ids[3]]
            )
        }
    }

    @Test func disablingCutsEveryCredentialAtOnce() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (user, pair, alice) = try await f.signedIn("alice@example.com")
            let (_, secret) = try await f.identity.createAPIToken(principal: alice, name: "t", scopes: [.readBets])

            let disabled = try await f.admin.updateUser(actor: root, id: user.id, disabled: true)
            #expect(disabled.status == .disabled)
            #expect(
                await F.error { try await f.identity.authenticate(bearer: pair.accessToken) }
                    == .unauthenticated(.inactiveAccount))
            #expect(await F.error { try await f.identity.authenticate(bearer: secret) } != nil)
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: pair.refreshToken) } == .invalidRefreshToken)
            #expect(
                await F.error { try await f.identity.login(email: "alice@example.com", password: F.password) }
                    == .invalidCredentials)
            #expect(
                try await f.value("SELECT count(*)::int FROM api_tokens WHERE revoked_at IS NULL", as: Int.self) == 0)
            #expect(
                try await f.value(
                    "SELECT count(*)::int FROM refresh_tokens WHERE revoked_reason = 'user_disabled'", as: Int.self)
                    == 1)
            let event = try #require(try await f.auditEvents(.userDisabled).first)
            #expect(event.actorUserID == root.userID && event.targetID == user.id.uuidString.lowercased())

            // Re-enabled: can sign in again; the revoked API token stays revoked.
            f.clock.advance(seconds: 1)
            _ = try await f.admin.updateUser(actor: root, id: user.id, disabled: false)
            let again = try await f.identity.login(email: "alice@example.com", password: F.password)
            _ = try await f.identity.authenticate(bearer: again.accessToken)
            #expect(await F.error { try await f.identity.authenticate(bearer: secret) } == .unauthenticated(.revoked))
            #expect(try await f.auditEvents(.userEnabled).count == 1)
        }
    }

    @Test func demotedAdminsOldTokenIsNoLongerAdmin() async throws {
        try await F.run { f in
            let (_, _, first) = try await f.signedIn("first@example.com", role: .admin)
            let (second, pair, secondPrincipal) = try await f.signedIn("second@example.com", role: .admin)
            #expect(secondPrincipal.isAdmin)
            _ = try await f.admin.updateUser(actor: first, id: second.id, role: .user)
            let now = try await f.identity.authenticate(bearer: pair.accessToken)
            #expect(now.role == .user && !now.isAdmin && !now.has(.admin))
            #expect(await F.error { try await f.admin.listUsers(actor: now) } != nil)
            let event = try #require(try await f.auditEvents(.userRoleChanged).first)
            #expect(event.decodedDetails as? [String: String] == ["from": "admin", "to": "user"])
        }
    }

    @Test func theLastActiveAdminIsProtected() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (other, _, _) = try await f.signedIn("other@example.com", role: .admin)
            _ = try await f.admin.updateUser(actor: root, id: other.id, disabled: true)  // a disabled admin does not count
            for attempt in [
                { try await f.admin.updateUser(actor: root, id: root.userID, role: .user) },
                { try await f.admin.updateUser(actor: root, id: root.userID, disabled: true) },
                {
                    try await f.admin.deleteUser(actor: root, id: root.userID)
                    return try await f.admin.getUser(actor: root, id: root.userID)
                },
            ] as [@Sendable () async throws -> UserRecord] {
                let error = await F.error { try await attempt() }
                #expect(error == .lastAdmin)
                #expect(error?.apiError.status.code == 409)
            }
            #expect(
                try await f.value("SELECT role || '/' || status FROM users WHERE id = \(root.userID)", as: String.self)
                    == "admin/active")
            // Promoting someone else first makes it possible.
            _ = try await f.admin.updateUser(actor: root, id: other.id, disabled: false)
            _ = try await f.admin.updateUser(actor: root, id: root.userID, role: .user)
        }
    }

    /// Round by round, the only two active admins demote (or disable) each other, or themselves, at the
    /// same time: exactly one change may win. Self-demotion losers see `lastAdmin`; cross-demotion losers
    /// see `lastAdmin` or `forbidden` (by then they are no longer admins themselves).
    @Test func concurrentDemotionsOfTheOnlyTwoAdminsLeaveOne() async throws {
        try await F.run(poolSize: 8) { f in
            for round in 0..<6 {
                let (a, _, aPrincipal) = try await f.signedIn("a\(round)@example.com", role: .admin)
                let (b, _, bPrincipal) = try await f.signedIn("b\(round)@example.com", role: .admin)
                // Only these two are active admins this round.
                try await f.rows(
                    "UPDATE users SET status = 'disabled' WHERE role = 'admin' AND id NOT IN (\(a.id), \(b.id))")
                let crossing = round % 2 == 0
                let outcomes = await withTaskGroup(of: IdentityError?.self) { group in
                    group.addTask {
                        await F.error {
                            try await f.admin.updateUser(actor: aPrincipal, id: crossing ? b.id : a.id, role: .user)
                        }
                    }
                    group.addTask {
                        await F.error {
                            try await f.admin.updateUser(actor: bPrincipal, id: crossing ? a.id : b.id, disabled: true)
                        }
                    }
                    return await group.reduce(into: [IdentityError?]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round): \(outcomes)")
                let losers = outcomes.compactMap { $0 }
                if crossing {
                    #expect(losers.allSatisfy { $0 == .lastAdmin || $0.apiError.status.code == 403 }, "\(losers)")
                } else {
                    #expect(losers == [.lastAdmin], "round \(round)")
                }
                let remaining = try await f.value(
                    "SELECT count(*)::int FROM users WHERE role = 'admin' AND status = 'active'", as: Int.self)
                #expect(remaining == 1)
            }
        }
    }

    @Test func softDeleteRevokesAndFreesTheAddress() async throws {
        try await F.run { f in
            let (_, _, root) = try await f.signedIn("root@example.com", role: .admin)
            let (user, pair, alice) = try await f.signedIn("alice@example.com")
            let (_, secret) = try await f.identity.createAPIToken(principal: alice, name: "t", scopes: [.readBets])
            try await f.admin.deleteUser(actor: root, id: user.id)

            let (status, deletedAt) = try await f.rows("SELECT status, deleted_at FROM users WHERE id = \(user.id)")
                .first!.decode((String, Date?).self)
            #expect(status == "deleted" && deletedAt != nil)
            #expect(await F.error { try await f.identity.authenticate(bearer: pair.accessToken) } != nil)
            #expect(await F.error { try await f.identity.authenticate(bearer: secret) } != nil)
            #expect(
                await F.error { try await f.identity.refresh(refreshToken: pair.refreshToken) } == .invalidRefreshToken)
            #expect(
                await F.error { try await f.identity.login(email: "alice@example.com", password: F.password) }
                    == .invalidCredentials)
            #expect(
                await F.error { try await f.admin.deleteUser(actor: root, id: user.id) } == .notFound("no such user"))
            #expect(
                await F.error { try await f.admin.updateUser(actor: root, id: user.id, disabled: false) }
                    == .notFound("no such user"))
            #expect(await F.error { try await f.identity.me(userID: user.id) } == .notFound("no such user"))
            #expect(try await f.admin.getUser(actor: root, id: user.id).status == .deleted)

            // The address can be registered again, as a new account.
            let fresh = try await f.register("alice@example.com")
            #expect(fresh.id != user.id)
            _ = try await f.identity.login(email: "alice@example.com", password: F.password)
            #expect(try await f.auditEvents(.userDeleted).count == 1)
        }
    }
}
