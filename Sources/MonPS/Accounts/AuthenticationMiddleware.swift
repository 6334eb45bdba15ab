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
        let rule = policies.rule(method: request.method.rawValue, routePath: context.endpointPath ?? request.uri.path)
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

    /// The token of `Bearer <token>` (RFC 6750 §2.1: scheme case-insensitive, b64token characters), nil
    /// otherwise. Works on the UTF-8 bytes: it runs on every request (Foundation's trimming bridged through
    /// UTF-16 and cost a tenth of a cached request's CPU).
    static func bearerToken(_ header: String) -> String? {
        let utf8 = header.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex, utf8[start] == UInt8(ascii: " ") { utf8.formIndex(after: &start) }
        guard let schemeEnd = utf8[start...].firstIndex(of: UInt8(ascii: " ")),
            utf8[start..<schemeEnd].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 })
        else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var tokenStart = schemeEnd
        while tokenStart < utf8.endIndex, isBlank(utf8[tokenStart]) { utf8.formIndex(after: &tokenStart) }
        var tokenEnd = utf8.endIndex
        while tokenEnd > tokenStart, isBlank(utf8[utf8.index(before: tokenEnd)]) { utf8.formIndex(before: &tokenEnd) }
        let token = utf8[tokenStart..<tokenEnd]
        guard !token.isEmpty, token.count <= 8192, token.allSatisfy(URICharacters.isB64TokenByte) else { return nil }
        return String(Substring(token))
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
