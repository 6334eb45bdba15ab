import Hummingbird
import Logging
import NIOCore

/// The Hummingbird request context of MonPS: the core storage plus the request id and client address.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var requestID: String = ""
    /// The TCP peer's address.
    let peerAddress: String?
    /// The client's address: the peer's, or what a trusted proxy forwarded (`ForwardedClientMiddleware`).
    var clientAddress: String?
    /// The bearer access JWT once the rate limiter has verified it (authentication then reuses the check).
    var verifiedAccessToken: VerifiedAccessToken?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = peerAddress
    }
}
