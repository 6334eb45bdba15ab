import Foundation

extension AuditAction {
    public static let passwordResetRequested: AuditAction = "user.password_reset_requested"
    public static let passwordReset: AuditAction = "user.password_reset"
    public static let emailVerified: AuditAction = "user.email_verified"
}

/// Password reset and email verification by mailed one-time tokens (no HTTP, no mail here: `AccountMailer` sends).
extension IdentityService {
    /// The active account with this address, for a mail request; nil when there is none (the caller answers the same
    /// either way).
    func activeAccount(email: String) async throws -> UserRecord? {
        let normalized = EmailAddress.normalize(email)
        guard (1...EmailAddress.maximumLength).contains(normalized.count),
            let user = try await PostgresUserRepository(executor: database).find(emailNormalized: normalized),
            user.status == .active
        else { return nil }
        return user.record
    }

    func isEmailVerified(userID: UUID) async throws -> Bool {
        try await PostgresAccountTokenRepository(executor: database).isVerified(userID: userID)
    }

    /// Issues a token for `purpose` (older unused ones of that purpose stop working) and returns its secret, to mail.
    func issueAccountToken(userID: UUID, purpose: AccountTokenPurpose, context: AuditContext = .none) async throws -> String {
        let secret = try OpaqueSecret.generate()
        let now = now()
        try await database.transaction { executor in
            try await PostgresAccountTokenRepository(executor: executor).replace(
                userID: userID, purpose: purpose, hash: secret.hash, now: now)
            if purpose == .passwordReset {
                try await audit.record(
                    on: executor, .passwordResetRequested, actor: nil, targetType: "user",
                    targetID: IdentityFormat.id(userID), context: context)
            }
        }
        return secret.token
    }

    /// Sets a new password with a reset token: the policy applies, the token is spent, every session, API token and
    /// earlier access token of the account stops working (as after a password change), the address counts as verified
    /// (the mail reached it) and the audit log records it.
    public func resetPassword(token: String, newPassword: String, context: AuditContext = .none) async throws {
        guard let hash = OpaqueSecret.parse(token)?.hash else { throw AccountTokenError.invalidToken }
        // Look before hashing (argon2id is the expensive part), then check again under the lock.
        let probe = try await usableToken(hash: hash, purpose: .passwordReset, executor: database)
        guard let user = try await PostgresUserRepository(executor: database).find(id: probe.userID), user.status == .active else {
            throw AccountTokenError.invalidToken
        }
        try settings.passwordPolicy.validate(newPassword, email: try? EmailAddress(user.record.email))
        let newHash = try await hasher.hash(PasswordPolicy.normalize(newPassword))
        let now = now()
        try await database.transaction { executor in
            let token = try await usableToken(hash: hash, purpose: .passwordReset, executor: executor)
            let users = PostgresUserRepository(executor: executor)
            guard let locked = try await users.lock(id: token.userID), locked.status == .active else {
                throw AccountTokenError.invalidToken
            }
            let tokens = PostgresAccountTokenRepository(executor: executor)
            try await tokens.spend(token, now: now)
            try await users.changePassword(id: locked.id, hash: newHash, now: now)
            if try await !tokens.isVerified(userID: locked.id) { try await tokens.setVerified(userID: locked.id, at: now) }
            let revoked = try await PostgresSessionRepository(executor: executor).revokeAll(
                userID: locked.id, at: now, reason: .passwordChanged)
            let apiTokens = try await PostgresAPITokenRepository(executor: executor).revokeAll(userID: locked.id, at: now)
            try await audit.record(
                on: executor, .passwordReset, actor: locked.id, targetType: "user", targetID: IdentityFormat.id(locked.id),
                context: context, details: ["sessions_revoked": .int(revoked), "api_tokens_revoked": .int(apiTokens)])
        }
    }

    /// Marks the token's account verified (idempotent for an account already verified; the token is spent either way).
    public func verifyEmail(token: String, context: AuditContext = .none) async throws {
        guard let hash = OpaqueSecret.parse(token)?.hash else { throw AccountTokenError.invalidToken }
        let now = now()
        try await database.transaction { executor in
            let token = try await usableToken(hash: hash, purpose: .emailVerification, executor: executor)
            guard let user = try await PostgresUserRepository(executor: executor).lock(id: token.userID), user.status == .active
            else { throw AccountTokenError.invalidToken }
            let tokens = PostgresAccountTokenRepository(executor: executor)
            try await tokens.spend(token, now: now)
            try await tokens.setVerified(userID: user.id, at: now)
            try await audit.record(
                on: executor, .emailVerified, actor: user.id, targetType: "user", targetID: IdentityFormat.id(user.id),
                context: context)
        }
    }

    /// The live token of `purpose` with this hash, or the reason it is not usable.
    private func usableToken(hash: String, purpose: AccountTokenPurpose, executor: any SQLExecutor) async throws
        -> AccountTokenRow
    {
        guard let token = try await PostgresAccountTokenRepository(executor: executor).lock(hash: hash),
            token.purpose == purpose.rawValue, token.usedAt == nil, token.invalidatedAt == nil
        else { throw AccountTokenError.invalidToken }
        guard token.expiresAt > now() else { throw AccountTokenError.expiredToken }
        return token
    }
}
