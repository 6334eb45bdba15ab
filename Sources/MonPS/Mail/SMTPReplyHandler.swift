import NIOCore
import NIOSSL
import NIOTLS

/// The channel handler of an SMTP client connection: splits the server's bytes into lines, assembles replies
/// (`SMTPReplyParser`) and hands each to the one caller waiting for it, with a deadline. Lives on the event loop;
/// `SMTPConnection` holds it loop-bound and calls it only inside event-loop tasks.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// A server line longer than this is not SMTP (RFC 5321 allows 512 octets per reply line).
    static let maximumLineLength = 4096

    private var partialLine: [UInt8] = []
    private var parser = SMTPReplyParser()
    /// Replies (or the failure) that arrived before anyone asked.
    private var ready: [Result<SMTPReply, SMTPError>] = []
    private var waiter: (promise: EventLoopPromise<SMTPReply>, stage: String, deadline: Scheduled<Void>)?
    /// Once set, every later request fails with it.
    private var terminal: SMTPError?
    private var context: ChannelHandlerContext?
    /// The stage the caller is in, for the errors that arrive between replies.
    private var stage = "greeting"
    /// A TLS handshake was started and has not completed: a connection lost now is a TLS failure (NIOSSL closes the
    /// channel on a failed handshake, and the error itself may reach only the buffered write).
    var awaitingTLS = false

    init(awaitingTLS: Bool = false) { self.awaitingTLS = awaitingTLS }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The next reply, or a failure after `timeout`.
    func nextReply(stage: String, timeout: TimeAmount, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        self.stage = stage
        if !ready.isEmpty {
            return eventLoop.makeCompletedFuture(ready.removeFirst().mapError { $0 as any Error })
        }
        if let terminal { return eventLoop.makeFailedFuture(terminal) }
        precondition(waiter == nil, "one SMTP command at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        // Cancelled when the reply comes first (so the handler is not kept alive past its connection).
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let deadline = eventLoop.scheduleTask(in: timeout) {
            handler.value.fail(.timedOut(stage: stage))
            handler.value.context?.close(promise: nil)
        }
        waiter = (promise, stage, deadline)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if partialLine.last == UInt8(ascii: "\r") { partialLine.removeLast() }
                let line = String(decoding: partialLine, as: UTF8.self)
                partialLine = []
                do {
                    if let reply = try parser.feed(line) { deliver(.success(reply)) }
                } catch {
                    fail(.protocolViolation(stage: stage))
                    context.close(promise: nil)
                    return
                }
            } else {
                partialLine.append(byte)
                if partialLine.count > Self.maximumLineLength {
                    fail(.protocolViolation(stage: stage))
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(
            awaitingTLS
                ? .tlsFailed(reason: "the handshake did not complete (certificate not trusted, wrong host name or protocol)")
                : .connectionClosed(stage: stage))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { awaitingTLS = false }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let mapped: SMTPError =
            switch error {
            case let tls as NIOSSLError: .tlsFailed(reason: String(describing: tls))
            case let tls as BoringSSLError: .tlsFailed(reason: String(describing: tls))
            default: .connectionClosed(stage: "\(stage): \(error)")
            }
        fail(mapped)
        context.close(promise: nil)
    }

    private func deliver(_ result: Result<SMTPReply, SMTPError>) {
        if let waiter {
            self.waiter = nil
            waiter.deadline.cancel()
            waiter.promise.completeWith(result.mapError { $0 as any Error })
        } else {
            ready.append(result)
        }
    }

    /// Ends the connection's usefulness: the waiting caller and every later one get `error` (the first error wins).
    private func fail(_ error: SMTPError) {
        guard terminal == nil else { return }
        terminal = error
        deliver(.failure(error))
    }
}
