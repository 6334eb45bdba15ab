import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body has not arrived whole within `timeout` of its head.
///
/// Slow-body clients (a byte every few seconds) otherwise hold a connection and a handler task for as long as
/// they like; Hummingbird's idle timeout only covers a connection with no request in progress (which includes a
/// head still arriving, since the head is only passed on once complete). The handler reading the body sees the
/// connection close and its request fails; the client gets no response, as with any dropped connection.
final class RequestBodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: Duration) {
        self.timeout = .nanoseconds(Int64(timeout.nanoseconds))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
