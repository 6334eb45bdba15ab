import HTTPTypes
import Hummingbird

/// Replaces the context's client address (the TCP peer's) by the one `X-Forwarded-For` names, when the peer is a
/// trusted proxy (`TrustedProxies`). First in the chain, so rate limiting, login throttling, audit records and logs
/// all see the same address.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    let trusted: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = trusted.clientAddress(
            peer: context.peerAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        return try await next(request, context)
    }
}
