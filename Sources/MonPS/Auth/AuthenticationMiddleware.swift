import Foundation
import HTTPTypes
import Hummingbird

/// The one place where access to an operation is decided: authenticates the bearer credential (JWT or
/// personal API token), then applies the operation's rule from the contract — authentication required,
/// which credential kinds are accepted, and the scope the caller must hold (roles cap scopes, see `Scope`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let identity: IdentityService
    let policies: AccessPolicyTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let rule = policies.rule(method: request.method, routePath: context.endpointPath ?? request.uri.path)
        var principal: Principal?
        if let header = request.headers[.authorization] {
            guard let bearer = Self.bearerToken(header) else {
                throw APIError.unauthenticated("the Authorization header must be `Bearer <token>`")
            }
            let audit = AuditContext(
                ip: context.clientAddress, requestID: context.requestID, userAgent: request.headers[.userAgent])
            principal = try await identity.authenticate(bearer: bearer, context: audit, verified: context.verifiedAccessToken)
        }
        if rule.requiresAuthentication {
            guard let principal else { throw APIError.unauthenticated("this operation needs a bearer token") }
            try Self.authorize(principal, rule: rule)
        }
        guard var scope = RequestScope.current else { return try await next(request, context) }
        scope.principal = principal
        return try await RequestScope.$current.withValue(scope) { try await next(request, context) }
    }

    static func authorize(_ principal: Principal, rule: AccessRule) throws {
        switch principal.credential {
        case .apiToken where !rule.acceptsAPIToken:
            throw APIError.forbidden("this operation needs a signed-in session; API tokens are not accepted here")
        case .accessToken where !rule.acceptsAccessToken:
            throw APIError.forbidden("this operation needs an API token")
        default:
            break
        }
        if let required = rule.scope {
            guard let scope = Scope(rawValue: required), principal.has(scope) else {
                throw APIError.forbidden("missing scope `\(required)`", missingScope: required)
            }
        }
    }

    /// `Bearer <token>` (scheme case-insensitive, RFC 6750 token68 characters only).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.utf8.count <= 8192,
            token.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "-._~+/=".utf8.contains(byte)
            })
        else { return nil }
        return token
    }
}

extension APIError {
    static func unauthenticated(_ detail: String) -> APIError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="monps", error="invalid_token""#
        return APIError(status: .unauthorized, slug: "unauthenticated", title: "Unauthenticated", detail: detail, headers: headers)
    }

    static func forbidden(_ detail: String, missingScope: String? = nil) -> APIError {
        var headers = HTTPFields()
        if let missingScope {
            headers[.wwwAuthenticate] = #"Bearer realm="monps", error="insufficient_scope", scope="\#(missingScope)""#
        }
        return APIError(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: detail, headers: headers)
    }
}

extension RequestScope {
    /// The authenticated caller, or a 401 for handlers that need one (the policy has normally checked already).
    static func requirePrincipal() throws -> Principal {
        guard let principal = current?.principal else { throw APIError.unauthenticated("this operation needs a bearer token") }
        return principal
    }
}
