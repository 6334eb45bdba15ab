import Foundation

/// The result of a profile update. A password change ends every session, the caller's included, so it
/// comes with a fresh token pair for the caller.
public struct ProfileUpdate: Sendable {
    public var user: UserRecord
    public var tokens: TokenPair?
}

extension IdentityService {
    // MARK: Profile

    /// The caller's own account. Deleted or unknown → 404.
    public func me(userID: UUID) async throws -> UserRecord {
        guard
            let user = try await PostgresUserRepository(executor: database).find(
                id: userID),
            user.status != .deleted
        else { throw IdentityError.notFound("no such user") }
        return user.record
    }

    /// Changes the display name and/or the password. A password change needs the current password (which
    /// counts towards the lockout when wrong), applies the policy, revokes every session and returns a
    /// fresh one.
    public func updateProfile(
        userID: UUID, displayName: String? = nil, currentPassword: String? = nil, newPassword: String? = nil,
        context: AuditContext = .none
    ) async throws -> ProfileUpdate {
        let name = try displayName.map { name throws(IdentityError) in
            try IdentityText.label(name, field: "displayName", maximum: 100)
        }
        let users = PostgresUserRepository(executor: database)
        guard let user = try await users.find(id: userID), user.status == .active else {
            throw IdentityError.unauthenticated(.inactiveAccount)
        }
        var newHash: String?
        if let newPassword {
            guard let currentPassword, !currentPassword.isEmpty else {
                throw IdentityError.validation(
                    field: "currentPassword", message: "is required to change the password")
            }
            let email = try? EmailAddress(user.record.email)
            try settings.passwordPolicy.validate(newPassword, email: email)
            let current = PasswordPolicy.normalize(currentPassword)
            let matches = await hasher.verify(password: current, encoded: user.passwordHash)
            let now = now()
            guard matches, !(user.lockedUntil.map { $0 > now } ?? false) else {
                if !matches { try await recordWrongPassword(user: user, now: now, context: context) }
                throw IdentityError.invalidCurrentPassword
            }
            let next = PasswordPolicy.normalize(newPassword)
            guard next != current else { throw IdentityError.weakPassword("must differ from the current password") }
            newHash = try await hasher.hash(next)
        }
        guard name != nil || newHash != nil else { return ProfileUpdate(user: user.record, tokens: nil) }

        let now = now()
        return try await database.transaction { executor in
            let users = PostgresUserRepository(executor: executor)
            guard let locked = try await users.lock(id: userID), locked.status == .active else {
                throw IdentityError.unauthenticated(.inactiveAccount)
            }
            if let name, name != locked.record.displayName {
                try await users.setDisplayName(id: userID, name, now: now)
                try await audit.record(
                    on: executor, .userProfileUpdated, actor: userID, targetType: "user",
                    targetID: IdentityFormat.id(userID), context: context,
                    details: ["fields": .strings(["displayName"])])
            }
            var tokens: TokenPair?
            if let newHash {
                // The password we verified must still be the stored one.
                guard locked.passwordHash == user.passwordHash else { throw IdentityError.invalidCurrentPassword }
                try await users.changePassword(id: userID, hash: newHash, now: now)
                let revoked = try await PostgresSessionRepository(executor: executor).revokeAll(
                    userID: userID, at: now, reason: .passwordChanged)
                let apiTokens = try await PostgresAPITokenRepository(executor: executor).revokeAll(userID: userID, at: now)
                guard let updated = try await users.find(id: userID) else { throw StorageInvariantError.noRowReturned }
                let (pair, familyID) = try await startSession(on: executor, user: updated, context: context, now: now)
                tokens = pair
                try await audit.record(
                    on: executor, .userPasswordChanged, actor: userID, targetType: "user",
                    targetID: IdentityFormat.id(userID), context: context,
                    details: [
                        "sessions_revoked": .int(revoked), "new_session_id": .string(IdentityFormat.id(familyID)),
                        "api_tokens_revoked": .int(apiTokens),
                    ])
            }
            guard let final = try await users.find(id: userID) else { throw StorageInvariantError.noRowReturned }
            return ProfileUpdate(user: final.record, tokens: tokens)
        }
    }

    // MARK: Personal API tokens

    /// Creates an API token for the principal's own account. Every requested scope must be held by the
    /// principal (so a narrow API token cannot mint a broader one); at most `maximumActiveAPITokens`.
    /// Returns the record and the secret, which is shown once and never stored.
    /// A token outlives the access token by far, so creating one takes a recent password sign-in
    /// (`recentAuthenticationWindow`) or `currentPassword`.
    public func createAPIToken(
        principal: Principal, name: String, scopes: Set<Scope>, expiresAt: Date? = nil, currentPassword: String? = nil,
        context: AuditContext = .none
    ) async throws -> (token: APITokenRecord, secret: String) {
        let name = try IdentityText.label(name, field: "name", maximum: 100)
        guard !scopes.isEmpty else { throw IdentityError.validation(field: "scopes", message: "must not be empty") }
        if let missing = scopes.subtracting(principal.scopes).sorted().first {
            throw IdentityError.scopeNotAllowed(missing)
        }
        try await requireRecentAuthentication(principal, currentPassword: currentPassword, context: context)
        let now = now()
        let expiry = expiresAt ?? now.addingTimeInterval(TimeInterval(settings.apiTokenDefaultLifetime))
        guard expiry > now.addingTimeInterval(60) else {
            throw IdentityError.validation(field: "expiresAt", message: "must be in the future")
        }
        guard expiry <= now.addingTimeInterval(TimeInterval(settings.apiTokenMaximumLifetime)) else {
            throw IdentityError.validation(
                field: "expiresAt",
                message: "must be at most \(settings.apiTokenMaximumLifetime / 86_400) days from now")
        }
        let secret = try APITokenSecret.generate()
        let record = try await database.transaction { executor in
            // The owner's row lock serialises concurrent creations, so the limit holds.
            guard let owner = try await PostgresUserRepository(executor: executor).lock(id: principal.userID),
                owner.status == .active
            else { throw IdentityError.unauthenticated(.inactiveAccount) }
            let tokens = PostgresAPITokenRepository(executor: executor)
            guard try await tokens.countActive(userID: owner.id, now: now) < settings.maximumActiveAPITokens else {
                throw IdentityError.tooManyAPITokens(limit: settings.maximumActiveAPITokens)
            }
            let record = try await tokens.insert(
                NewAPIToken(
                    userID: owner.id, name: name, tokenHash: secret.hash, displayPrefix: secret.displayPrefix,
                    scopes: scopes, expiresAt: expiry, createdAt: now))
            try await audit.record(
                on: executor, .tokenCreated, actor: principal.userID, targetType: "api_token",
                targetID: IdentityFormat.id(record.id), context: context,
                details: [
                    "name": .string(name), "scopes": .strings(scopes.map(\.rawValue).sorted()),
                    "expires_at": .string(IdentityFormat.iso8601(expiry)),
                    "display_prefix": .string(secret.displayPrefix),
                ])
            return record
        }
        return (record, secret.token)
    }

    /// Passes when the principal signed in with the password recently, or when `currentPassword` is right (a wrong
    /// one counts towards the lockout, like any password check).
    func requireRecentAuthentication(_ principal: Principal, currentPassword: String?, context: AuditContext)
        async throws
    {
        let now = now()
        if let currentPassword, !currentPassword.isEmpty {
            guard let user = try await PostgresUserRepository(executor: database).find(id: principal.userID),
                user.status == .active
            else { throw IdentityError.unauthenticated(.inactiveAccount) }
            let matches = await hasher.verify(
                password: PasswordPolicy.normalize(currentPassword), encoded: user.passwordHash)
            guard matches, !(user.lockedUntil.map { $0 > now } ?? false) else {
                if !matches { try await recordWrongPassword(user: user, now: now, context: context) }
                throw IdentityError.invalidCurrentPassword
            }
            return
        }
        let window = settings.recentAuthenticationWindow
        guard let signedIn = principal.authenticatedAt,
            now.timeIntervalSince(signedIn) <= TimeInterval(window) + TimeInterval(settings.leeway)
        else { throw IdentityError.recentAuthenticationRequired(windowSeconds: window) }
    }

    /// The user's API tokens, newest first (keyset: pass the last id as `afterID`).
    public func listAPITokens(userID: UUID, afterID: UUID? = nil, limit: Int = 50, includeInactive: Bool = false)
        async throws -> [APITokenRecord]
    {
        try await PostgresAPITokenRepository(executor: database).list(
            userID: userID, afterID: afterID, limit: max(1, min(limit, 200)), includeInactive: includeInactive,
            now: now())
    }

    /// Revokes one of the principal's own tokens (idempotent). Another user's token id is `notFound`,
    /// exactly like an id that does not exist.
    @discardableResult
    public func revokeAPIToken(principal: Principal, id: UUID, context: AuditContext = .none) async throws
        -> APITokenRecord
    {
        let now = now()
        return try await database.transaction { executor in
            guard
                let result = try await PostgresAPITokenRepository(executor: executor).revoke(
                    id: id, userID: principal.userID, at: now)
            else { throw IdentityError.notFound("no API token with this id") }
            let record = result.record
            if result.newlyRevoked {
                try await audit.record(
                    on: executor, .tokenRevoked, actor: principal.userID, targetType: "api_token",
                    targetID: IdentityFormat.id(id), context: context, details: ["name": .string(record.name)])
            }
            return record
        }
    }
}
