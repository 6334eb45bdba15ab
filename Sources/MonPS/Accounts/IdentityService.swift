import Foundation

/// Registration, sign-in, refresh-token rotation, logout and bearer authentication (no HTTP here).
///
/// Every state change and its audit record commit in one transaction. Secrets (passwords, refresh and API
/// tokens) are never stored, logged or put in audit details; only hashes are stored.
public struct IdentityService: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let keys: JWTKeySet
    public let settings: IdentitySettings
    let usage: TokenUsageRecorder
    let audit: AuditLog
    /// Active accounts recently read while authenticating access tokens (off unless given a lifetime).
    let accounts: ActiveAccountCache
    /// Access tokens whose signature was already checked (their time window is checked on every use).
    let verifiedTokens: VerifiedTokenCache
    let now: @Sendable () -> Date

    init(
        database: Database, hasher: PasswordHasher, keys: JWTKeySet, settings: IdentitySettings,
        usage: TokenUsageRecorder, accounts: ActiveAccountCache = ActiveAccountCache(lifetime: 0),
        verifiedTokens: VerifiedTokenCache = VerifiedTokenCache(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.database = database
        self.hasher = hasher
        self.keys = keys
        self.settings = settings
        self.usage = usage
        self.audit = AuditLog(database: database, now: now)
        self.accounts = accounts
        self.verifiedTokens = verifiedTokens
        self.now = now
    }

    // MARK: Registration

    /// Self-service sign-up. The role is always `.user` (no caller can choose it).
    ///
    /// A duplicate address is reported (409 `emailTaken`). Deliberate: without an email-verification
    /// step a uniform answer would leave the real owner unable to tell why sign-up "worked" but sign-in
    /// fails, so, as OWASP's authentication guidance allows, registration answers honestly and relies
    /// on rate limiting (in front of this service) against bulk probing. The password is hashed before
    /// the insert in every case, so both answers cost the same. Sign-in never enumerates.
    ///
    /// With `requireVerification` the account starts unverified (it cannot sign in until its address is confirmed).
    public func register(
        email: String, password: String, displayName: String, requireVerification: Bool = false,
        context: AuditContext = .none
    ) async throws -> UserRecord {
        guard settings.registrationOpen else { throw IdentityError.registrationClosed }
        let email = try EmailAddress(email)
        let name = try IdentityText.label(displayName, field: "displayName", maximum: 100)
        try settings.passwordPolicy.validate(password, email: email)
        let hash = try await hasher.hash(PasswordPolicy.normalize(password))
        let now = now()
        return try await database.transaction { executor in
            let new = NewUser(email: email, displayName: name, passwordHash: hash, role: .user)
            guard let user = try await PostgresUserRepository(executor: executor).insert(new, now: now) else {
                throw IdentityError.emailTaken
            }
            if requireVerification {
                try await PostgresAccountTokenRepository(executor: executor).setVerified(userID: user.id, at: nil)
            }
            try await audit.record(
                on: executor, .userRegistered, actor: user.id, targetType: "user",
                targetID: IdentityFormat.id(user.id), context: context, details: ["role": .string(user.role.rawValue)])
            return user.record
        }
    }

    // MARK: Login

    /// Verifies the password and starts a session (a new refresh-token family).
    ///
    /// Unknown address, wrong password, locked, disabled or deleted account: the same
    /// `IdentityError.invalidCredentials`, after the same argon2id work.
    ///
    /// With `requireVerifiedEmail`, the right password for an unverified account is `AccountTokenError.emailNotVerified`
    /// (told only to whoever knows the password, so it reveals nothing to anyone else).
    public func login(
        email: String, password: String, requireVerifiedEmail: Bool = false, context: AuditContext = .none
    ) async throws -> TokenPair {
        let normalizedEmail = EmailAddress.normalize(email)
        let password = PasswordPolicy.normalize(password)
        let users = PostgresUserRepository(executor: database)
        let found: StoredUser? =
            (1...EmailAddress.maximumLength).contains(normalizedEmail.count)
            ? try await users.find(emailNormalized: normalizedEmail) : nil

        guard let user = found else {
            await hasher.dummyVerify(password: password)
            try await recordLoginFailure(emailNormalized: normalizedEmail, context: context)
            throw IdentityError.invalidCredentials
        }
        // Verify first, whatever the account state, so every path costs one argon2id verification.
        let matches = await hasher.verify(password: password, encoded: user.passwordHash)
        let now = now()
        let isLocked = user.lockedUntil.map { $0 > now } ?? false
        guard user.status == .active, !isLocked else {
            try await recordLoginFailure(emailNormalized: normalizedEmail, context: context)
            throw IdentityError.invalidCredentials
        }
        guard matches else {
            try await recordWrongPassword(user: user, now: now, context: context)
            try await recordLoginFailure(emailNormalized: normalizedEmail, context: context)
            throw IdentityError.invalidCredentials
        }

        // Stronger parameters than the stored hash: replace it now that we hold the plaintext.
        let upgradedHash = hasher.needsRehash(encoded: user.passwordHash) ? try? await hasher.hash(password) : nil
        let outcome: TokenPair? = try await database.transaction { executor in
            let users = PostgresUserRepository(executor: executor)
            // Re-check under the row lock: disabled or password changed since the verification → refuse.
            guard let current = try await users.lock(id: user.id), current.status == .active,
                current.passwordHash == user.passwordHash
            else { return nil }
            if requireVerifiedEmail, try await !PostgresAccountTokenRepository(executor: executor).isVerified(userID: user.id) {
                throw AccountTokenError.emailNotVerified
            }
            try await users.recordSuccessfulLogin(id: user.id, now: now)
            if let upgradedHash {
                try await users.upgradePasswordHash(id: user.id, old: user.passwordHash, new: upgradedHash)
            }
            let (pair, familyID) = try await startSession(on: executor, user: current, context: context, now: now)
            try await audit.record(
                on: executor, .loginSucceeded, actor: user.id, targetType: "user", targetID: IdentityFormat.id(user.id),
                context: context,
                details: [
                    "session_id": .string(IdentityFormat.id(familyID)), "hash_upgraded": .bool(upgradedHash != nil),
                ])
            return pair
        }
        guard let outcome else {
            try await recordLoginFailure(emailNormalized: normalizedEmail, context: context)
            throw IdentityError.invalidCredentials
        }
        return outcome
    }

    /// The audit record of a failed sign-in: no address, no account id (so the log itself does not
    /// tell whether the account exists), only a pseudonymous digest of the normalised address.
    private func recordLoginFailure(emailNormalized: String, context: AuditContext) async throws {
        try await audit.record(
            .loginFailed, actor: nil, context: context,
            details: ["email_digest": .string(EmailAddress.auditDigest(emailNormalized))])
    }

    /// Counts the failure against the account; when it locks the account, audits that on the account.
    func recordWrongPassword(user: StoredUser, now: Date, context: AuditContext) async throws {
        let lockUntil = now.addingTimeInterval(TimeInterval(settings.lockoutDuration))
        let locked = try await PostgresUserRepository(executor: database)
            .recordFailedLogin(
                id: user.id, now: now, threshold: settings.lockoutThreshold, lockUntil: lockUntil)
        if let locked {
            try await audit.record(
                .accountLocked, actor: nil, targetType: "user", targetID: IdentityFormat.id(user.id), context: context,
                details: [
                    "locked_until": .string(IdentityFormat.iso8601(locked)),
                    "failures": .int(settings.lockoutThreshold),
                ])
        }
    }

    // MARK: Refresh

    private enum RefreshOutcome: Sendable {
        case rotated(TokenPair)
        case reused
        case invalid
    }

    /// Rotates a refresh token: marks it used and issues the next one of its family, in one transaction
    /// under a row lock. Presenting a used token again revokes the whole family and is audited.
    public func refresh(refreshToken: String, context: AuditContext = .none) async throws -> TokenPair {
        guard let secret = OpaqueSecret.parse(refreshToken) else { throw IdentityError.invalidRefreshToken }
        let now = now()
        // The body returns (never throws) on reuse, so the family revocation and its audit record commit.
        let outcome: RefreshOutcome = try await database.transaction { executor in
            let sessions = PostgresSessionRepository(executor: executor)
            guard let token = try await sessions.lock(tokenHash: secret.hash) else { return .invalid }
            if token.usedAt != nil {
                let revoked = try await sessions.revokeFamily(token.familyID, at: now, reason: .reuseDetected)
                // Access tokens minted from the stolen family must die too; JWTs carry no family, so all of
                // the user's are cut (other devices simply refresh: their families stay valid).
                try await PostgresUserRepository(executor: executor).invalidateSessions(id: token.userID, now: now)
                // A replayed refresh token means a thief held a session, long enough to mint API tokens with it.
                let apiTokens = try await PostgresAPITokenRepository(executor: executor).revokeAll(
                    userID: token.userID, at: now)
                try await audit.record(
                    on: executor, .refreshReused, actor: nil, targetType: "user",
                    targetID: IdentityFormat.id(token.userID), context: context,
                    details: [
                        "session_id": .string(IdentityFormat.id(token.familyID)), "tokens_revoked": .int(revoked),
                        "api_tokens_revoked": .int(apiTokens),
                    ])
                return .reused
            }
            guard token.revokedAt == nil, token.expiresAt > now else { return .invalid }
            guard let user = try await PostgresUserRepository(executor: executor).find(id: token.userID),
                user.status == .active
            else { return .invalid }
            try await sessions.markUsed(id: token.id, at: now)
            guard
                let pair = try await issueTokens(
                    on: executor, user: user, familyID: token.familyID, sessionStartedAt: token.sessionStartedAt,
                    context: context, now: now)
            else { return .invalid }  // the family reached its absolute lifetime
            return .rotated(pair)
        }
        switch outcome {
        case .rotated(let pair): return pair
        case .reused, .invalid: throw IdentityError.invalidRefreshToken
        }
    }

    // MARK: Logout

    /// Ends the session the refresh token belongs to (its whole family). Idempotent; an unknown or
    /// malformed token is not an error. Already-issued access tokens live until they expire (≤ 15 min);
    /// use `logoutAll` to cut those too.
    public func logout(refreshToken: String, context: AuditContext = .none) async throws {
        guard let secret = OpaqueSecret.parse(refreshToken) else { return }
        let now = now()
        try await database.transaction { executor in
            let sessions = PostgresSessionRepository(executor: executor)
            guard let token = try await sessions.find(tokenHash: secret.hash) else { return }
            let revoked = try await sessions.revokeFamily(token.familyID, at: now, reason: .logout)
            guard revoked > 0 else { return }
            try await audit.record(
                on: executor, .logout, actor: token.userID, targetType: "user",
                targetID: IdentityFormat.id(token.userID), context: context,
                details: ["session_id": .string(IdentityFormat.id(token.familyID))])
        }
    }

    /// Ends every session of the user: revokes all refresh-token families and API tokens, and refuses every
    /// access token issued before now. (It is what a user does after losing a device or a credential, and an API
    /// token is a credential minted from a session.)
    public func logoutAll(userID: UUID, context: AuditContext = .none) async throws {
        let now = now()
        try await database.transaction { executor in
            let revoked = try await PostgresSessionRepository(executor: executor).revokeAll(
                userID: userID, at: now, reason: .logoutAll)
            try await PostgresUserRepository(executor: executor).invalidateSessions(id: userID, now: now)
            let apiTokens = try await PostgresAPITokenRepository(executor: executor).revokeAll(userID: userID, at: now)
            try await audit.record(
                on: executor, .logoutAll, actor: userID, targetType: "user", targetID: IdentityFormat.id(userID),
                context: context, details: ["tokens_revoked": .int(revoked), "api_tokens_revoked": .int(apiTokens)])
        }
    }

    /// Housekeeping for a periodic job: deletes refresh tokens that expired more than `retention` seconds
    /// ago. Returns how many rows went.
    @discardableResult
    public func purgeExpiredRefreshTokens(retention: Int64 = 7 * 86_400) async throws -> Int {
        try await PostgresSessionRepository(executor: database).deleteExpired(
            before: now().addingTimeInterval(-TimeInterval(max(0, retention))))
    }

    /// Live sessions (refresh-token families) of the user, newest first.
    public func sessions(userID: UUID) async throws -> [SessionSummary] {
        try await PostgresSessionRepository(executor: database).activeSessions(
            userID: userID, now: now())
    }
}
