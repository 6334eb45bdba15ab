import HTTPTypes
import Hummingbird

/// Cross-origin access for third-party browser clients, limited to the configured origins (`MONPS_CORS_ORIGINS`).
///
/// - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed origin, for a route
///   that exists, is answered here with 204 and the methods of that route only (`RouteTable`), before rate limiting
///   and authentication: a browser sends no credentials on a preflight.
/// - Other requests from an allowed origin get `Access-Control-Allow-Origin` and the response headers a client
///   needs (rate limits, ETag, Location, …) exposed, including on problems.
/// - No credentials mode: third-party clients send a bearer token; the refresh cookie stays same-origin.
/// - Any other origin gets no CORS headers at all, so the browser keeps the response from the script.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!
    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let origin = HTTPField.Name("Origin")!

    /// Request headers a client may send: credentials, bodies, conditional requests and tracing.
    static let allowedRequestHeaders = "Authorization, Content-Type, If-None-Match, X-Request-ID"
    static let exposedResponseHeaders = [
        "ETag", "Location", "Retry-After", "Content-Disposition", "X-Request-ID", "RateLimit", "RateLimit-Policy",
        "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
    ].joined(separator: ", ")

    let allowedOrigins: Set<String>
    let routes: RouteTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let origin = request.headers[Self.origin].flatMap(HTTPEdgeSettings.normalisedOrigin)
        let allowed = origin.map(allowedOrigins.contains) ?? false
        if allowed, let origin, request.method == .options, request.headers[Self.requestMethod] != nil {
            let methods = routes.allowedMethods(forPath: request.uri.path)
            if !methods.isEmpty { return preflight(origin: origin, methods: methods) }
        }
        var response = try await renderedResponse(request, context, next)
        // Responses differ by origin once CORS is on: shared caches must key on it.
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        if allowed, let origin {
            response.headers[Self.allowOrigin] = origin
            response.headers[Self.exposeHeaders] = Self.exposedResponseHeaders
        }
        return response
    }

    private func preflight(origin: String, methods: [HTTPRequest.Method]) -> Response {
        var headers = HTTPFields()
        headers[Self.allowOrigin] = origin
        headers[Self.allowMethods] = methods.map(\.rawValue).joined(separator: ", ")
        headers[Self.allowHeaders] = Self.allowedRequestHeaders
        headers[Self.maxAge] = "600"
        headers[.vary] = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        return Response(status: .noContent, headers: headers)
    }
}
