import Foundation

/// An access JWT checked once in a request (signature, time window, issuer, audience), with its claims.
struct VerifiedAccessToken: Sendable {
    let bearer: String
    let claims: JWTClaims
}

extension IdentityService {
    // MARK: Bearer authentication

    /// Authenticates an `Authorization: Bearer` credential: an API token (`mps_…`) or an access JWT.
    ///
    /// The account decides: a disabled or deleted account is refused, the role is the current one (a demoted admin's
    /// older JWT is no longer admin), and JWTs issued before the user's `sessions_valid_after` are refused. API tokens
    /// read their account every time (their use is buffered in `usage`); access JWTs may reuse an account read less
    /// than `accounts.lifetime` ago.
    public func authenticate(bearer: String, context: AuditContext = .none) async throws -> Principal {
        try await authenticate(bearer: bearer, context: context, verified: nil)
    }

    /// `verified`: the access JWT as already checked in this request (the rate limiter checks it to find its subject):
    /// used only when it is this very bearer, so the signature is not computed twice.
    func authenticate(bearer: String, context: AuditContext, verified: VerifiedAccessToken?) async throws -> Principal {
        guard !bearer.isEmpty else { throw IdentityError.unauthenticated(.missing) }
        if bearer.hasPrefix(APITokenSecret.prefix) {
            return try await authenticateAPIToken(bearer, context: context)
        }
        let claims = try verified.flatMap { $0.bearer == bearer ? $0.claims : nil } ?? verifyAccessToken(bearer)
        return try await authenticateAccessToken(claims)
    }

    /// An access JWT's signature, time window, issuer and audience, at the identity clock's now.
    func verifyAccessToken(_ bearer: String) throws -> JWTClaims {
        let now = IdentityFormat.epochSeconds(now())
        do {
            let claims = try verifiedTokens.claims(of: bearer, now: now) { token throws(JWTError) in
                try keys.verifySignature(token, expectedIssuer: settings.issuer, expectedAudience: settings.audience)
            }
            try JWTKeySet.checkTimes(of: claims, now: now, leeway: settings.leeway)
            return claims
        } catch JWTError.expired {
            throw IdentityError.unauthenticated(.expired)
        } catch {
            throw IdentityError.unauthenticated(.malformed)
        }
    }

    private func authenticateAPIToken(_ bearer: String, context: AuditContext) async throws -> Principal {
        // Prefix, length, alphabet and CRC32 checked before any lookup.
        guard let secret = APITokenSecret.parse(bearer) else { throw IdentityError.unauthenticated(.malformed) }
        guard
            let credential = try await PostgresAPITokenRepository(executor: database)
                .findForAuthentication(
                    tokenHash: secret.hash)
        else { throw IdentityError.unauthenticated(.unknownToken) }
        let now = now()
        guard credential.token.revokedAt == nil else { throw IdentityError.unauthenticated(.revoked) }
        guard credential.token.expiresAt > now else { throw IdentityError.unauthenticated(.expired) }
        guard credential.ownerStatus == .active else { throw IdentityError.unauthenticated(.inactiveAccount) }
        usage.record(tokenID: credential.token.id, at: now, ip: context.ip)
        return Principal(
            userID: credential.token.userID, role: credential.ownerRole,
            scopes: credential.token.scopes.intersection(Scope.allowed(for: credential.ownerRole)),
            credential: .apiToken(id: credential.token.id))
    }

    private func authenticateAccessToken(_ claims: JWTClaims) async throws -> Principal {
        guard let userID = UUID(uuidString: claims.subject) else { throw IdentityError.unauthenticated(.malformed) }
        let account = try await activeAccount(userID, now: now())
        if let validAfter = account.sessionsValidAfter,
            claims.issuedAt < IdentityFormat.epochSecondsRoundedUp(validAfter)
        {
            throw IdentityError.unauthenticated(.revoked)
        }
        // The token's scopes, narrowed to what the account's role allows today.
        let claimed: Set<Scope> =
            claims.scope == nil
            ? Scope.allowed(for: account.role) : Set(claims.scopes.compactMap { Scope(rawValue: String($0)) })
        return Principal(
            userID: userID, role: account.role, scopes: claimed.intersection(Scope.allowed(for: account.role)),
            credential: .accessToken(jti: claims.tokenID),
            authenticatedAt: claims.authTime.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }

    /// The account an access token names, from the cache when read recently, refused unless active.
    private func activeAccount(_ userID: UUID, now: Date) async throws -> ActiveAccountCache.Account {
        if let account = accounts.account(of: userID, now: now) { return account }
        guard let user = try await PostgresUserRepository(executor: database).find(id: userID), user.status == .active
        else { throw IdentityError.unauthenticated(.inactiveAccount) }
        let account = ActiveAccountCache.Account(role: user.role, sessionsValidAfter: user.sessionsValidAfter)
        accounts.store(account, of: userID, readAt: now)
        return account
    }

    // MARK: Issuing

    /// Starts a new refresh-token family for `user`. Returns the pair and the family id.
    func startSession(on executor: any SQLExecutor, user: StoredUser, context: AuditContext, now: Date)
        async throws -> (TokenPair, UUID)
    {
        let familyID = UUID()
        guard
            let pair = try await issueTokens(
                on: executor, user: user, familyID: familyID, sessionStartedAt: now, context: context, now: now)
        else { throw StorageInvariantError.noRowReturned }  // unreachable: a fresh family always has time left
        return (pair, familyID)
    }

    /// Stores a new refresh token of `familyID` and signs an access token. Nil when the family has
    /// reached `maximumSessionLifetime`.
    func issueTokens(
        on executor: any SQLExecutor, user: StoredUser, familyID: UUID, sessionStartedAt: Date,
        context: AuditContext, now: Date
    ) async throws -> TokenPair? {
        let refreshExpiry = min(
            now.addingTimeInterval(TimeInterval(settings.refreshTokenLifetime)),
            sessionStartedAt.addingTimeInterval(TimeInterval(settings.maximumSessionLifetime)))
        guard refreshExpiry > now.addingTimeInterval(1) else { return nil }
        let secret = try OpaqueSecret.generate()
        let context = context.sanitized
        try await PostgresSessionRepository(executor: executor).insert(
            NewRefreshToken(
                userID: user.id, familyID: familyID, tokenHash: secret.hash, sessionStartedAt: sessionStartedAt,
                issuedAt: now, expiresAt: refreshExpiry, userAgent: context.userAgent, ip: context.ip))
        let scopes = Scope.allowed(for: user.role)
        let access = try signAccessToken(user: user, scopes: scopes, now: now, authenticatedAt: sessionStartedAt)
        return TokenPair(
            accessToken: access.token, expiresIn: access.expiresIn, refreshToken: secret.token,
            refreshExpiresIn: Int(refreshExpiry.timeIntervalSince(now).rounded(.down)), userID: user.id,
            role: user.role, scopes: scopes)
    }

    /// Signs an access JWT. `iat` is never earlier than the user's `sessions_valid_after` (rounded up to the
    /// second, the JWT resolution), so a token minted right after "log out everywhere" is not refused.
    /// `authenticatedAt`: when the session began with the password (`auth_time`; a refresh keeps it).
    func signAccessToken(user: StoredUser, scopes: Set<Scope>, now: Date, authenticatedAt: Date)
        throws -> (token: String, expiresIn: Int)
    {
        let nowSeconds = IdentityFormat.epochSeconds(now)
        let issuedAt = max(nowSeconds, user.sessionsValidAfter.map(IdentityFormat.epochSecondsRoundedUp) ?? nowSeconds)
        let claims = try JWTClaims.issue(
            subject: IdentityFormat.id(user.id), role: user.role.rawValue, issuer: settings.issuer,
            audience: settings.audience, now: issuedAt, lifetime: settings.accessTokenLifetime,
            scope: Scope.claim(scopes), authTime: IdentityFormat.epochSeconds(authenticatedAt))
        return (keys.sign(claims), Int(claims.expiresAt - nowSeconds))
    }
}

/// Time and id renderings used across the identity layer (kept off `Date`/`UUID` to avoid clashing with
/// extensions elsewhere in the module).
enum IdentityFormat {
    /// Whole seconds since 1970, rounded down (the JWT NumericDate we issue).
    static func epochSeconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
    static func epochSecondsRoundedUp(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.up)) }
    static func iso8601(_ date: Date) -> String { date.formatted(.iso8601) }
    /// RFC 4122 lower-case text (JWT `sub`, audit target ids).
    static func id(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
}
