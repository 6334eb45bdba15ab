/// Mailed tokens and unverified accounts, as problems: a bad or expired token is the client's 400 (ask for a new
/// mail); an unverified account's sign-in is a 403 saying what to do.
extension AccountTokenError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidToken:
            APIError(
                status: .badRequest, slug: "invalid-token", title: "Invalid token",
                detail: "the link is invalid, already used or replaced by a newer one; ask for a new mail",
                fieldIssues: [.init(field: "token", message: "is invalid or already used")])
        case .expiredToken:
            APIError(
                status: .badRequest, slug: "token-expired", title: "Token expired",
                detail: "the link has expired; ask for a new mail",
                fieldIssues: [.init(field: "token", message: "has expired")])
        case .emailNotVerified:
            APIError(
                status: .forbidden, slug: "email-not-verified", title: "Email address not verified",
                detail: "confirm your email address with the link we mailed you first; POST /v1/auth/verify-email/resend sends a new one")
        }
    }
}
