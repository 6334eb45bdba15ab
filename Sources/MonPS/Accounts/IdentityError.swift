/// Why a bearer credential was refused. For logs and tests; clients only learn "expired" vs "invalid".
public enum UnauthenticatedReason: String, Sendable, Equatable {
    /// No credential was presented (the HTTP layer raises this).
    case missing
    /// Not a JWT or `mps_` token of ours (shape, checksum, signature, issuer, audience, algorithm…).
    case malformed
    case expired
    /// An API token or session that was revoked (logout-all, password change, admin action).
    case revoked
    /// The owning account is disabled, deleted or gone.
    case inactiveAccount
    case unknownToken
}

/// Everything the identity layer refuses. How each looks over HTTP: `IdentityError+HTTP.swift`.
public enum IdentityError: Error, Sendable, Equatable {
    /// Login failed: wrong password, unknown email, locked, disabled or deleted account (one shape for all).
    case invalidCredentials
    /// Refresh failed: unknown, used (reuse), expired or revoked token, or inactive account.
    case invalidRefreshToken
    /// A bearer credential was refused (401 with `WWW-Authenticate`).
    case unauthenticated(UnauthenticatedReason)
    case registrationClosed
    /// The principal lacks the scope an operation needs.
    case insufficientScope(Scope)
    /// An API token may not be given a scope its creator does not hold.
    case scopeNotAllowed(Scope)
    /// A generic authorisation refusal (admin operations by non-admins…).
    case forbidden(String)
    /// Password change with a wrong current password.
    case invalidCurrentPassword
    /// The operation needs a recent password sign-in (or the password again) and the credential has neither.
    case recentAuthenticationRequired(windowSeconds: Int64)
    case notFound(String)
    case emailTaken
    /// The change would leave no active administrator.
    case lastAdmin
    case tooManyAPITokens(limit: Int)
    case validation(field: String, message: String)
    case weakPassword(String)
}
