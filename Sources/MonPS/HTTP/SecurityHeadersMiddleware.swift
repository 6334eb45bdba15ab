import HTTPTypes
import Hummingbird

/// Headers every response carries, whatever produced it (a handler, a problem, the rate limiter, the web app):
///
/// - `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (share links carry their token in the path);
/// - `Cache-Control: no-store` on API responses that did not choose a policy: per-user data and credentials (login,
///   refresh and token responses) must not be kept by browsers or intermediaries. Shared routes have their
///   `public, max-age` from `PublicCacheMiddleware`, which this leaves alone;
/// - `Strict-Transport-Security` when configured (MonPS behind a TLS proxy).
///
/// Outermost but for the request observer, so it also sees what middleware further in answered or threw.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!

    let hstsMaxAgeSeconds: Int?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await renderedResponse(request, context, next)
        apply(to: &response.headers, path: request.uri.path)
        return response
    }

    func apply(to headers: inout HTTPFields, path: String) {
        if headers[.xContentTypeOptions] == nil { headers[.xContentTypeOptions] = "nosniff" }
        if headers[Self.referrerPolicy] == nil { headers[Self.referrerPolicy] = "no-referrer" }
        if let hstsMaxAgeSeconds { headers[Self.strictTransportSecurity] = "max-age=\(hstsMaxAgeSeconds)" }
        let path = RateLimitRouteClass.routedPath(path)  // `//v1/tokens` is the token route too
        if headers[.cacheControl] == nil, path == "/v1" || path.hasPrefix("/v1/") {
            headers[.cacheControl] = "no-store"
        }
    }
}
