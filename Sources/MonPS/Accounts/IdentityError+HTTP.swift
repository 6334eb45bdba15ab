import HTTPTypes

/// A log line says what the client is told (the reason of a refused credential is for logs only).
extension IdentityError: CustomStringConvertible {
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
        case .recentAuthenticationRequired(let window):
            return APIError(
                status: .forbidden, slug: "recent-authentication-required", title: "Recent sign-in required",
                detail: "sign in again (at most \(window / 60) minutes ago) or send current_password to do this",
                fieldIssues: [.init(field: "current_password", message: "is required: the sign-in is not recent")])
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
            return .validation(field: field, message: message)
        case .weakPassword(let message):
            return APIError(
                status: .unprocessableContent, slug: "weak-password", title: "Password not accepted",
                detail: "password: \(message)", fieldIssues: [.init(field: "password", message: message)])
        }
    }
}
