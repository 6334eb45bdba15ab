import NIOCore

/// Closes a connection whose request head is not complete within `timeout` of its opening (slow-header clients).
///
/// The upgrade-aware pipeline decides between HTTP and WebSocket only once a whole head has arrived, and the HTTP
/// handlers that enforce the idle timeout are added after that decision: without this, a head that never ends
/// would hold its connection open for ever. Removed (its deadline cancelled) as soon as the head is decided.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    static let name = "monps.request-head-deadline"

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    /// Drops the deadline of `channel` (on its event loop): the head arrived and was decided.
    static func lift(on channel: any Channel) {
        _ = channel.pipeline.removeHandler(name: name)
    }
}
