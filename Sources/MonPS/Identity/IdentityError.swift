import HTTPTypes

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

/// Everything the identity layer refuses, and how it looks over HTTP (`apiError`).
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
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
    case notFound(String)
    case emailTaken
    /// The change would leave no active administrator.
    case lastAdmin
    case tooManyAPITokens(limit: Int)
    case validation(field: String, message: String)
    case weakPassword(String)

    public var description: String {
        switch self {
        case .unauthenticated(let reason): "unauthenticated(\(reason.rawValue))"
        default: apiError.detail ?? apiError.title
        }
    }
}

extension IdentityError: APIErrorConvertible {
    public var apiError: APIError {
        switch self {
        case .invalidCredentials:
            return APIError(
                status: .unauthorized, slug: "invalid-credentials", title: "Invalid credentials",
                detail: "the email address or password is incorrect")
        case .invalidRefreshToken:
            return APIError(
                status: .unauthorized, slug: "invalid-refresh-token", title: "Invalid refresh token",
                detail: "the refresh token is invalid, expired or already used; sign in again")
        case .unauthenticated(let reason):
            var headers = HTTPFields()
            let detail: String
            switch reason {
            case .missing:
                // RFC 6750 §3.1: no error code when the request carried no credential.
                headers[.wwwAuthenticate] = #"Bearer realm="monps""#
                detail = "authentication is required: send Authorization: Bearer <token>"
            case .expired:
                headers[.wwwAuthenticate] =
                    #"Bearer realm="monps", error="invalid_token", error_description="the access token expired""#
                detail = "the access token has expired; refresh it or sign in again"
            default:
                headers[.wwwAuthenticate] = #"Bearer realm="monps", error="invalid_token""#
                detail = "the credential is invalid or has been revoked"
            }
            return APIError(
                status: .unauthorized, slug: "unauthenticated", title: "Unauthenticated", detail: detail,
                headers: headers)
        case .registrationClosed:
            return APIError(
                status: .forbidden, slug: "registration-closed", title: "Registration closed",
                detail: "self-service registration is disabled; ask an administrator for an account")
        case .insufficientScope(let scope):
            var headers = HTTPFields()
            headers[.wwwAuthenticate] =
                #"Bearer realm="monps", error="insufficient_scope", scope=""# + scope.rawValue + "\""
            return APIError(
                status: .forbidden, slug: "insufficient-scope", title: "Insufficient scope",
                detail: "this operation requires the \(scope.rawValue) scope", headers: headers)
        case .scopeNotAllowed(let scope):
            return APIError(
                status: .forbidden, slug: "scope-not-allowed", title: "Scope not allowed",
                detail: "you cannot grant the \(scope.rawValue) scope: your account or credential does not hold it",
                fieldIssues: [.init(field: "scopes", message: "\(scope.rawValue) is not allowed")])
        case .forbidden(let detail):
            return APIError(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail)
        case .invalidCurrentPassword:
            return APIError(
                status: .forbidden, slug: "invalid-current-password", title: "Invalid current password",
                detail: "the current password is incorrect",
                fieldIssues: [.init(field: "currentPassword", message: "is incorrect")])
        case .notFound(let detail):
            return .notFound(detail)
        case .emailTaken:
            return APIError(
                status: .conflict, slug: "email-taken", title: "Email address in use",
                detail: "an account with this email address already exists",
                fieldIssues: [.init(field: "email", message: "is already registered")])
        case .lastAdmin:
            return APIError(
                status: .conflict, slug: "last-admin", title: "Last administrator",
                detail: "this change would leave no active administrator; promote another administrator first")
        case .tooManyAPITokens(let limit):
            return APIError(
                status: .conflict, slug: "api-token-limit", title: "API token limit reached",
                detail: "an account may hold at most \(limit) active API tokens; revoke one first")
        case .validation(let field, let message):
            return APIError(
                status: .unprocessableContent, slug: "validation-failed", title: "Validation failed",
                detail: "\(field): \(message)", fieldIssues: [.init(field: field, message: message)])
        case .weakPassword(let message):
            return APIError(
                status: .unprocessableContent, slug: "weak-password", title: "Password not accepted",
                detail: "password: \(message)", fieldIssues: [.init(field: "password", message: message)])
        }
    }
}
