import HTTPTypes
import Hummingbird

/// Who may read `/metrics` on the main listener. Metrics name routes, error rates and job states: useful to an
/// attacker, so they are not public.
///
/// - A separate metrics listener configured: the main listener answers 404 (the route lives there only).
/// - A bearer secret configured: `Authorization: Bearer <secret>` (compared in constant time), else 401. The header
///   is removed once checked, so it is not mistaken for a user's credential further in.
/// - Neither: loopback clients only (a scraper on the same host), else 403.
struct MetricsAccessMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let path = "/metrics"

    let token: String?
    let servedElsewhere: Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard RateLimitRouteClass.routedPath(request.uri.path) == Self.path else { return try await next(request, context) }
        if servedElsewhere { throw APIError.notFound("no route for \(request.uri.path)") }
        guard let token else {
            guard Self.isLoopback(context.clientAddress) else {
                throw APIError.forbidden("metrics are served to this host only unless MONPS_METRICS_TOKEN is set")
            }
            return try await next(request, context)
        }
        guard let presented = request.headers[.authorization].flatMap(AuthenticationMiddleware.bearerToken),
            CryptoPrimitives.constantTimeEquals(Array(presented.utf8), Array(token.utf8))
        else { throw APIError.unauthenticated("metrics need the metrics bearer token") }
        var head = request.head
        head.headerFields[.authorization] = nil
        return try await next(Request(head: head, body: request.body), context)
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
