import Foundation

/// Tunables of the identity layer. Defaults follow the OWASP cheat sheets and RFC 8725.
public struct IdentitySettings: Sendable, Equatable {
    /// JWT `iss` and `aud`, checked exactly on every access token.
    public var issuer: String
    public var audience: String
    /// Access JWT lifetime (seconds). Short: a JWT cannot be recalled before it expires except through
    /// the per-user `sessions_valid_after` check.
    public var accessTokenLifetime: Int64
    /// Lifetime of each refresh token (sliding: every rotation issues a fresh one)…
    public var refreshTokenLifetime: Int64
    /// …but no family (login session) outlives this, however often it is refreshed (absolute timeout).
    public var maximumSessionLifetime: Int64
    /// Clock skew tolerated when verifying JWT time claims (seconds).
    public var leeway: Int64
    public var registrationOpen: Bool
    public var passwordPolicy: PasswordPolicy
    /// Consecutive failed sign-ins that lock an account, and for how long (seconds). The progressive
    /// per-IP/per-account throttling lives in front of this service; this is the account-level backstop.
    public var lockoutThreshold: Int
    public var lockoutDuration: Int64
    public var maximumActiveAPITokens: Int
    /// API token lifetime when none is requested, and the longest one accepted (seconds).
    public var apiTokenDefaultLifetime: Int64
    public var apiTokenMaximumLifetime: Int64
    /// Creating an API token needs a password sign-in at most this many seconds old, or the password again.
    public var recentAuthenticationWindow: Int64

    public init(
        issuer: String = "monps", audience: String = "monps-api", accessTokenLifetime: Int64 = 15 * 60,
        refreshTokenLifetime: Int64 = 30 * 86_400, maximumSessionLifetime: Int64 = 90 * 86_400,
        leeway: Int64 = 30, registrationOpen: Bool = true, passwordPolicy: PasswordPolicy = PasswordPolicy(),
        lockoutThreshold: Int = 10, lockoutDuration: Int64 = 15 * 60, maximumActiveAPITokens: Int = 50,
        apiTokenDefaultLifetime: Int64 = 90 * 86_400, apiTokenMaximumLifetime: Int64 = 366 * 86_400,
        recentAuthenticationWindow: Int64 = 5 * 60
    ) {
        precondition(accessTokenLifetime > 0 && refreshTokenLifetime > 0 && maximumSessionLifetime > 0)
        precondition(lockoutThreshold > 0 && lockoutDuration > 0 && maximumActiveAPITokens > 0)
        precondition(apiTokenDefaultLifetime > 0 && apiTokenDefaultLifetime <= apiTokenMaximumLifetime)
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.maximumSessionLifetime = maximumSessionLifetime
        self.leeway = max(0, leeway)
        self.registrationOpen = registrationOpen
        self.passwordPolicy = passwordPolicy
        self.lockoutThreshold = lockoutThreshold
        self.lockoutDuration = lockoutDuration
        self.maximumActiveAPITokens = maximumActiveAPITokens
        self.apiTokenDefaultLifetime = apiTokenDefaultLifetime
        self.apiTokenMaximumLifetime = apiTokenMaximumLifetime
        self.recentAuthenticationWindow = max(0, recentAuthenticationWindow)
    }
}

/// What login, refresh and a password change hand to the client (shown once; never logged).
public struct TokenPair: Sendable, CustomStringConvertible {
    public var accessToken: String
    public var tokenType: String { "Bearer" }
    /// Seconds until the access token expires.
    public var expiresIn: Int
    public var refreshToken: String
    /// Seconds until the refresh token expires.
    public var refreshExpiresIn: Int
    public var userID: UUID
    public var role: Role
    public var scopes: Set<Scope>

    public var description: String {
        "TokenPair(user: \(userID.uuidString.lowercased()), role: \(role.rawValue), expiresIn: \(expiresIn), "
            + "refreshExpiresIn: \(refreshExpiresIn), tokens: <redacted>)"
    }
}
