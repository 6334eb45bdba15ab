// Pub/sub: one dedicated connection and thread per subscription, resubscribing after reconnects.

import Logging
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension RedisClient {
    /// Subscribes to `channels` (each prefixed with `configuration.keyPrefix`; `RedisMessage.channel` is
    /// reported without it) on a dedicated connection, outside the pool.
    ///
    /// - The blocking read loop runs on its own one-thread `NIOThreadPool`, so a long-lived subscription never
    ///   occupies a thread of the command pool. It wakes every 100 ms to notice cancellation.
    /// - When the connection breaks (Redis restart, network), it reconnects with backoff (50 ms doubling to 2 s)
    ///   and subscribes again. Messages published while disconnected are lost (pub/sub has no history).
    /// - The subscription ends (connection closed within ~100 ms) when the consuming task is cancelled, when the
    ///   stream is released (e.g. after `break`, once nothing references it), or when the client is shut down.
    ///   The stream throws `RedisError.serverError` if Redis refuses the `SUBSCRIBE`.
    /// - At most 10 000 undelivered messages are buffered; beyond that the oldest are dropped (logged).
    public func subscribe(channels: [String]) -> AsyncThrowingStream<RedisMessage, any Error> {
        let events = self.subscriptionEvents(channels: channels)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RedisMessage.self, throwing: (any Error).self)
        let forwarding = Task {
            do {
                for try await event in events {
                    if case .message(let message) = event { continuation.yield(message) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in forwarding.cancel() }
        return stream
    }

    /// `subscribe(channels:)` with the subscription's state in the stream: `.subscribed` each time the
    /// `SUBSCRIBE` is in place (first time and after every reconnect), `.interrupted` when messages may have
    /// been missed (connection lost, or the buffer was full and dropped some). A consumer that mirrors state
    /// from the messages (e.g. a local cache invalidated by them) must distrust its copy from `.interrupted`
    /// until the next `.subscribed`.
    public func subscriptionEvents(channels: [String]) -> AsyncThrowingStream<RedisSubscriptionEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: RedisSubscriptionEvent.self, throwing: (any Error).self, bufferingPolicy: .bufferingNewest(10_000))
        let control = RedisSubscriptionControl()
        continuation.onTermination = { _ in control.stop() }
        guard !self.isShutdown else {
            continuation.finish(throwing: RedisError.poolClosed)
            return stream
        }
        guard !channels.isEmpty else {
            continuation.finish()
            return stream
        }

        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let channelNames = channels.map(self.prefixed)
        Task {
            do {
                try await thread.runIfActive {
                    self.runSubscription(channels: channelNames, control: control, continuation: continuation)
                }
            } catch {
                continuation.finish(throwing: error)
            }
            try? await thread.shutdownGracefully()
        }
        return stream
    }

    /// The blocking subscription loop (runs on the subscription's own thread until stopped).
    private func runSubscription(
        channels: [String],
        control: RedisSubscriptionControl,
        continuation: AsyncThrowingStream<RedisSubscriptionEvent, any Error>.Continuation
    ) {
        var logger = self.logger
        logger[metadataKey: "channels"] = "\(channels)"
        let subscribe = [Self.word("SUBSCRIBE")] + channels.map { Array($0.utf8) }
        let prefix = Array(self.configuration.keyPrefix.utf8)
        var connection: RedisConnection?
        var everConnected = false
        var backoffMilliseconds = 50
        defer { connection?.close() }

        while !control.isStopped && !self.isShutdown {
            guard let active = connection else {
                do {
                    let opened = try RedisConnection.connect(self.configuration, metrics: self.metrics)
                    let reply = try opened.execute(subscribe, checkStale: false)
                    if case .error(let message) = reply {
                        opened.close()
                        continuation.finish(throwing: RedisError.serverError(message))
                        return
                    }
                    // One confirmation per channel: every channel is subscribed once the last one arrives.
                    var unconfirmed = channels.count - 1
                    while unconfirmed > 0 && !control.isStopped {
                        if try opened.readPush(timeoutMilliseconds: 100) != nil { unconfirmed -= 1 }
                    }
                    connection = opened
                    backoffMilliseconds = 50
                    if everConnected { logger.notice("Redis subscription re-established") }
                    everConnected = true
                    continuation.yield(.subscribed)
                } catch {
                    logger.debug("Redis subscription connect failed", metadata: ["error": "\(error)"])
                    control.sleep(milliseconds: backoffMilliseconds, orUntil: { self.isShutdown })
                    backoffMilliseconds = min(backoffMilliseconds * 2, 2000)
                }
                continue
            }
            do {
                guard let value = try active.readPush(timeoutMilliseconds: 100) else { continue }
                if let message = Self.message(from: value, prefix: prefix),
                    case .dropped = continuation.yield(.message(message))
                {
                    logger.warning("Redis subscription buffer full: dropped the oldest message")
                    continuation.yield(.interrupted)
                    continuation.yield(.subscribed)
                }
            } catch {
                connection = nil  // `readPush` closed it
                continuation.yield(.interrupted)
                logger.warning("Redis subscription connection lost; reconnecting", metadata: ["error": "\(error)"])
            }
        }
        continuation.finish()
    }

    /// A `["message", channel, payload]` push as a `RedisMessage`; confirmations and others are `nil`.
    private static func message(from value: RedisValue, prefix: [UInt8]) -> RedisMessage? {
        guard case .array(let parts) = value, parts.count == 3, case .bulk(let kind) = parts[0],
            kind == Array("message".utf8), case .bulk(let channel) = parts[1], case .bulk(let payload) = parts[2]
        else { return nil }
        let name = channel.starts(with: prefix) ? channel.dropFirst(prefix.count) : channel[...]
        return RedisMessage(channel: String(decoding: name, as: UTF8.self), payload: payload)
    }
}

/// Stop flag shared by a subscription stream's termination handler and its read loop.
final class RedisSubscriptionControl: Sendable {
    private let stopped = Atomic<Bool>(false)

    var isStopped: Bool { self.stopped.load(ordering: .acquiring) }

    func stop() { self.stopped.store(true, ordering: .releasing) }

    /// Blocks the current (subscription) thread for up to `milliseconds`, waking early when stopped.
    func sleep(milliseconds: Int, orUntil condition: () -> Bool) {
        var remaining = milliseconds
        while remaining > 0 && !self.isStopped && !condition() {
            let slice = min(remaining, 50)
            usleep(useconds_t(slice * 1000))
            remaining -= slice
        }
    }
}
