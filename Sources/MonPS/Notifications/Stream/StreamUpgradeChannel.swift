import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
@_spi(WSInternal) import WSCore

/// What a WebSocket session of the live stream runs with: its logger and the socket itself (a consumer too slow
/// to take even the close frame is cut off by closing the channel).
struct StreamSocketContext: WebSocketContext {
    let logger: Logger
    let channel: any Channel
}

/// HTTP/1.1 with WebSocket upgrades decided by `decide`, like hummingbird-websocket's `HTTP1WebSocketUpgradeChannel`
/// except for one thing: an upgrade `decide` refuses is answered by the ordinary HTTP responder (the router and its
/// middleware), not by an empty 400. So an unauthenticated upgrade gets the same 401 problem document, with the
/// same rate limits, as any request — before any upgrade happens.
///
/// It reuses swift-websocket's frame handler (`WebSocketHandler`, SPI of the pinned version) for everything after
/// the upgrade: pings, fragmentation, the close handshake.
struct StreamUpgradeChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Session = WebSocketDataHandler<StreamSocketContext>
    typealias Decision = @Sendable (HTTPRequest, any Channel, Logger) async -> Session?

    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Session, Logger)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let http1: HTTP1Channel.Configuration
    let decide: Decision
    /// Largest frame accepted from clients and largest written (longer messages are fragmented).
    var maxFrameSize = 1 << 14
    var autoPing: AutoPingSetup = .enabled(timePeriod: .seconds(30))
    var closeTimeout: Duration = .seconds(5)

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // The session `decide` chose, from the upgrade decision to the upgraded pipeline (one per connection).
            let pending = NIOLockedValueBox<Session?>(nil)
            // The head of a refused upgrade: NIO replays only what followed it, so it is handed on here.
            let refused = NIOLockedValueBox<HTTPRequestHead?>(nil)
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: maxFrameSize,
                shouldUpgrade: { channel, head in
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    promise.completeWithTask { [decide] in
                        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false),
                            let session = await decide(request, channel, logger)
                        else {
                            refused.withLockedValue { $0 = head }
                            return nil
                        }
                        pending.withLockedValue { $0 = session }
                        return HTTPHeaders()
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    RequestHeadDeadline.lift(on: channel)
                    return channel.eventLoop.makeCompletedFuture {
                        let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        guard let session = pending.withLockedValue({ $0 }) else { throw ChannelError.inappropriateOperationForState }
                        return .webSocket(asyncChannel, session, logger)
                    }
                })
            let configuration = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    // Refused upgrades come here too: the router then answers them like any request.
                    RequestHeadDeadline.lift(on: channel)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandlers(http1.additionalChannelHandlers())
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let head = refused.withLockedValue({ $0 }) {
                            // Into the handlers after the upgrade handler, before NIO unbuffers the request's end.
                            let upgradeHandler = try channel.pipeline.syncOperations
                                .context(handlerType: NIOTypedHTTPServerUpgradeHandler<Negotiated>.self)
                            upgradeHandler.fireChannelRead(NIOAny(HTTPServerRequestPart.head(head)))
                            upgradeHandler.fireChannelReadComplete()  // the async channel delivers on read-complete
                        }
                        return .http(http)
                    }
                })
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: configuration)
            pipeline.enablePipelining = false  // NIOAsyncChannel pipelines HTTP
            pipeline.enableErrorHandling = false  // Hummingbird answers errors
            pipeline.enableResponseHeaderValidation = false  // HTTPTypes validates
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            if let timeout = http1.idleTimeout {
                try channel.pipeline.syncOperations.addHandler(
                    RequestHeadDeadline(timeout: timeout), name: RequestHeadDeadline.name,
                    position: .first)
            }
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .webSocket(let socket, let session, let logger):
                let context = StreamSocketContext(logger: logger, channel: socket.channel)
                _ = try await WebSocketHandler.handle(
                    type: .server,
                    configuration: .init(
                        extensions: [], autoPing: autoPing, closeTimeout: closeTimeout, validateUTF8: false,
                        maxFrameSize: maxFrameSize),
                    asyncChannel: socket, context: context, handler: session)
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed during the upgrade")
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }
}
