import Foundation

/// Account administration: list, create, change role, disable/enable, soft-delete, and the bootstrap
/// `createAdmin` used by `monps users create-admin`. Every operation checks the actor itself
/// (defence in depth behind the HTTP layer's scope check) and is audited with the actor.
public struct AdminUserService: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let settings: IdentitySettings
    let audit: AuditLog
    let now: @Sendable () -> Date

    public init(
        database: Database, hasher: PasswordHasher, settings: IdentitySettings,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.hasher = hasher
        self.settings = settings
        self.audit = AuditLog(database: database, now: now)
        self.now = now
    }

    private func requireAdmin(_ actor: Principal) throws(IdentityError) {
        guard actor.isAdmin else { throw .forbidden("administrator access (the admin scope) is required") }
    }

    // MARK: Reading

    /// Accounts ordered by creation, keyset-paginated by the last id. Deleted accounts only with
    /// `filter.status == .deleted`.
    public func listUsers(
        actor: Principal, filter: UserListFilter = UserListFilter(), afterID: UUID? = nil,
        limit: Int = 50
    ) async throws -> [UserRecord] {
        try requireAdmin(actor)
        return try await PostgresUserRepository(executor: database).list(
            filter: filter, afterID: afterID, limit: max(1, min(limit, 200)))
    }

    public func getUser(actor: Principal, id: UUID) async throws -> UserRecord {
        try requireAdmin(actor)
        guard
            let user = try await PostgresUserRepository(executor: database).find(id: id)
        else {
            throw IdentityError.notFound("no such user")
        }
        return user.record
    }

    /// The audit log, newest first (admin only).
    public func auditLog(
        actor: Principal, filter: AuditFilter = AuditFilter(), afterID: Int64? = nil,
        limit: Int = 50
    ) async throws -> [AuditEvent] {
        try requireAdmin(actor)
        return try await audit.list(filter: filter, afterID: afterID, limit: limit)
    }

    // MARK: Creating

    /// Creates an account with any role. Without a password, a random one is generated and returned
    /// once (hand it over out of band; the user should change it).
    public func createUser(
        actor: Principal, email: String, password: String? = nil, displayName: String, role: Role,
        context: AuditContext = .none
    ) async throws -> (user: UserRecord, generatedPassword: String?) {
        try requireAdmin(actor)
        return try await create(
            email: email, password: password, displayName: displayName, role: role, actor: actor.userID,
            context: context, via: "admin")
    }

    /// Bootstrap: creates an administrator with no acting principal (the CLI). Audited with no actor.
    public func createAdmin(
        email: String, password: String? = nil, displayName: String = "Administrator", context: AuditContext = .none
    ) async throws -> (user: UserRecord, generatedPassword: String?) {
        try await create(
            email: email, password: password, displayName: displayName, role: .admin, actor: nil, context: context,
            via: "bootstrap")
    }

    private func create(
        email: String, password: String?, displayName: String, role: Role, actor: UUID?, context: AuditContext,
        via: String
    ) async throws -> (user: UserRecord, generatedPassword: String?) {
        let email = try EmailAddress(email)
        let name = try IdentityText.label(displayName, field: "displayName", maximum: 100)
        let generated = password == nil ? try Self.generatePassword() : nil
        let chosen = password ?? generated ?? ""
        try settings.passwordPolicy.validate(chosen, email: email)
        let hash = try await hasher.hash(PasswordPolicy.normalize(chosen))
        let now = now()
        let user = try await database.transaction { executor in
            if let actor {
                guard let current = try await PostgresUserRepository(executor: executor).find(id: actor),
                    current.role == .admin, current.status == .active
                else { throw IdentityError.forbidden("administrator access (the admin scope) is required") }
            }
            let new = NewUser(email: email, displayName: name, passwordHash: hash, role: role)
            guard let user = try await PostgresUserRepository(executor: executor).insert(new, now: now) else {
                throw IdentityError.emailTaken
            }
            try await audit.record(
                on: executor, .userCreated, actor: actor, targetType: "user", targetID: IdentityFormat.id(user.id),
                context: context,
                details: [
                    "role": .string(role.rawValue), "via": .string(via), "password_generated": .bool(generated != nil),
                ])
            return user.record
        }
        return (user, generated)
    }

    /// 25 base62 characters from 18 random bytes (144 bits).
    static func generatePassword() throws -> String {
        Base62.encode(try CryptoPrimitives.secureRandomBytes(count: 18), width: Base62.width(forByteCount: 18))
    }

    // MARK: Changing

    /// Changes the role and/or enables/disables the account. Disabling revokes every session and API
    /// token at once. The last active administrator can be neither demoted nor disabled (409).
    public func updateUser(
        actor: Principal, id: UUID, role: Role? = nil, disabled: Bool? = nil, context: AuditContext = .none
    ) async throws -> UserRecord {
        try requireAdmin(actor)
        guard role != nil || disabled != nil else {
            throw IdentityError.validation(field: "body", message: "nothing to change: give role and/or disabled")
        }
        let now = now()
        return try await database.transaction { executor in
            let users = PostgresUserRepository(executor: executor)
            let target = try await lockForChange(users: users, id: id, actor: actor)
            let newRole = role ?? target.user.role
            let newStatus: UserStatus = disabled.map { $0 ? .disabled : .active } ?? target.user.status
            try ensureAnAdminRemains(target, keepsAdmin: newRole == .admin && newStatus == .active)

            if newRole != target.user.role {
                try await users.setRole(id: id, newRole, now: now)
                try await audit.record(
                    on: executor, .userRoleChanged, actor: actor.userID, targetType: "user",
                    targetID: IdentityFormat.id(id), context: context,
                    details: ["from": .string(target.user.role.rawValue), "to": .string(newRole.rawValue)])
            }
            if newStatus != target.user.status {
                try await users.setStatus(id: id, newStatus, now: now)
                if newStatus == .disabled {
                    let (sessions, tokens) = try await revokeEverything(
                        on: executor, userID: id, now: now, reason: .userDisabled)
                    try await audit.record(
                        on: executor, .userDisabled, actor: actor.userID, targetType: "user",
                        targetID: IdentityFormat.id(id), context: context,
                        details: ["refresh_tokens_revoked": .int(sessions), "api_tokens_revoked": .int(tokens)])
                } else {
                    try await audit.record(
                        on: executor, .userEnabled, actor: actor.userID, targetType: "user",
                        targetID: IdentityFormat.id(id), context: context)
                }
            }
            guard let updated = try await users.find(id: id) else { throw StorageInvariantError.noRowReturned }
            return updated.record
        }
    }

    /// Soft delete: status `deleted`, every session and API token revoked, the email address freed for a
    /// new account (the row stays for the audit trail). The last active administrator cannot be deleted.
    public func deleteUser(actor: Principal, id: UUID, context: AuditContext = .none) async throws {
        try requireAdmin(actor)
        let now = now()
        try await database.transaction { executor in
            let users = PostgresUserRepository(executor: executor)
            let target = try await lockForChange(users: users, id: id, actor: actor)
            try ensureAnAdminRemains(target, keepsAdmin: false)
            try await users.setStatus(id: id, .deleted, now: now)
            let (sessions, tokens) = try await revokeEverything(
                on: executor, userID: id, now: now, reason: .userDeleted)
            try await audit.record(
                on: executor, .userDeleted, actor: actor.userID, targetType: "user", targetID: IdentityFormat.id(id),
                context: context,
                details: [
                    "role": .string(target.user.role.rawValue), "refresh_tokens_revoked": .int(sessions),
                    "api_tokens_revoked": .int(tokens),
                ])
        }
    }

    // MARK: Helpers

    private struct LockedTarget {
        var user: StoredUser
        /// Active admins, row-locked, the target included if it is one.
        var activeAdmins: [UUID]
    }

    /// Locks every active admin row (in id order) and then the target, inside the caller's transaction.
    /// Taking the admin locks first, always in the same order, makes concurrent "demote the other admin"
    /// transactions queue instead of deadlocking; the second then sees the first's commit. The actor must
    /// still be an active admin at that point (its principal may predate its own demotion).
    private func lockForChange(users: PostgresUserRepository, id: UUID, actor: Principal) async throws
        -> LockedTarget
    {
        let admins = try await users.lockActiveAdmins()
        guard admins.contains(actor.userID) else {
            throw IdentityError.forbidden("administrator access (the admin scope) is required")
        }
        guard let user = try await users.lock(id: id), user.status != .deleted else {
            throw IdentityError.notFound("no such user")
        }
        return LockedTarget(user: user, activeAdmins: admins)
    }

    private func ensureAnAdminRemains(_ target: LockedTarget, keepsAdmin: Bool) throws(IdentityError) {
        let isActiveAdmin = target.user.role == .admin && target.user.status == .active
        guard isActiveAdmin, !keepsAdmin else { return }
        guard target.activeAdmins.contains(where: { $0 != target.user.id }) else { throw .lastAdmin }
    }

    private func revokeEverything(
        on executor: any SQLExecutor, userID: UUID, now: Date, reason: SessionRevocationReason
    ) async throws -> (sessions: Int, tokens: Int) {
        let sessions = try await PostgresSessionRepository(executor: executor).revokeAll(
            userID: userID, at: now, reason: reason)
        let tokens = try await PostgresAPITokenRepository(executor: executor).revokeAll(userID: userID, at: now)
        try await PostgresUserRepository(executor: executor).invalidateSessions(id: userID, now: now)
        return (sessions, tokens)
    }
}
