import Hummingbird
import Logging
import NIOCore

/// The Hummingbird request context of MonPS: the core storage plus the request id and client address.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var requestID: String = ""
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
