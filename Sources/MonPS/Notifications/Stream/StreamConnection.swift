import Foundation
import Logging
import MonPSCore
import NIOCore
import NIOWebSocket
import WSCore

/// Runs one upgraded live stream: catch-up from the log, then live events as the hub wakes it, heartbeats, and
/// the close code when it ends.
///
/// Gaps and repeats: the stream remembers the last id it read and, on every wake, reads everything after it from
/// the log (oldest first). A Redis signal only wakes; it never carries the event, so a signal arriving during
/// the catch-up, twice, or not at all (the backstop poll then wakes) changes nothing about what is sent.
struct StreamConnection: Sendable {
    let session: StreamSession
    /// Events after this id are sent (the client's `after`, or the newest id when it connected).
    let startAfter: Int64
    let log: NotificationLog
    let preferences: StreamPreferences
    let settings: StreamSettings
    let hub: StreamHub
    let now: @Sendable () -> Date

    static let pageSize = 100
    /// How long a client that stopped reading has, beyond the send timeout, to take what was sent and the close frame.
    static let closeGrace: Duration = .seconds(10)

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, context: StreamSocketContext) async {
        defer { hub.remove(session) }
        let buffer = StreamSendBuffer(capacity: settings.bufferFrames)
        let ending = await withTaskGroup(of: StreamEnding?.self) { group in
            group.addTask {
                // Reading keeps pings answered and notices the client's close; what it sends is ignored.
                do { for try await _ in inbound {} } catch {}
                return .clientClosed
            }
            group.addTask {
                while let frame = await buffer.next() {
                    do { try await outbound.writeTextMessage(frame) } catch { return .clientClosed }
                }
                return nil
            }
            group.addTask { await produce(into: buffer, logger: context.logger) }
            group.addTask {
                while (try? await Task.sleep(for: settings.heartbeatInterval)) != nil {
                    buffer.offer(StreamFrames.heartbeat(at: now()))
                }
                return nil
            }
            var ending = StreamEnding.clientClosed
            for await result in group {
                if let result {
                    ending = result
                    break
                }
            }
            group.cancelAll()
            buffer.finish()
            return ending
        }
        switch ending {
        case .clientClosed:
            return
        case .tooSlow:
            context.logger.notice("live stream closed: consumer too slow", metadata: ["user_id": "\(session.userID)"])
            hub.recordSlowConsumerClosed()
            await close(.unknown(StreamEnding.tooSlowCloseCode), reason: "consumer too slow", outbound, context)
        case .goingAway:
            await close(.goingAway, reason: "server shutting down", outbound, context)
        }
    }

    /// Reads the log on every wake and queues what the user wants on the WebSocket channel.
    private func produce(into buffer: StreamSendBuffer, logger: Logger) async -> StreamEnding {
        var lastID = startAfter
        var announcedReady = false
        var wanted = StreamPreferences.Wanted.defaults
        var failedReads = 0
        for await _ in session.wakes {
            do {
                wanted = try await preferences.wanted(by: session.userID, cached: wanted)
                while true {
                    guard await buffer.waitForRoom(timeout: settings.sendTimeout) else { return .tooSlow }
                    let limit = min(buffer.room, Self.pageSize)
                    let page = try await log.since(userID: session.userID, afterID: lastID, limit: limit)
                    for record in page {
                        lastID = record.id  // past filtered-out events too: they stay in the log only
                        if wanted.types.contains(record.type) { buffer.push(StreamFrames.event(record)) }
                    }
                    if page.count < limit { break }
                }
                if !announcedReady {
                    buffer.push(StreamFrames.ready(after: lastID))
                    announcedReady = true
                }
                failedReads = 0
            } catch {
                // The database may be down. Try again soon (1, 2, 4 … s, at most the backstop poll's interval)
                // rather than at the next poll: a client that connected during a hiccup waits for its catch-up.
                failedReads += 1
                hub.recordFailedRead()
                let retry = min(Duration.seconds(1 << min(failedReads - 1, 10)), settings.pollInterval)
                logger.warning(
                    "live stream could not read the log", metadata: ["error": "\(error)", "retry_in": "\(retry)"])
                session.wake(after: retry)
            }
        }
        return session.stoppedBecause ?? .goingAway
    }

    /// Sends the close frame. It queues behind frames the client has not taken yet, so a client that never reads
    /// would hold it forever: `closeGrace` after the send timeout, the socket is simply closed.
    private func close(
        _ code: WebSocketErrorCode, reason: String, _ outbound: WebSocketOutboundWriter, _ context: StreamSocketContext
    ) async {
        let channel = context.channel
        let cutoff = Task {
            try await Task.sleep(for: settings.sendTimeout + Self.closeGrace)
            try await channel.close()
        }
        try? await outbound.close(code, reason: reason)
        cutoff.cancel()
    }
}

/// Which event types a user wants on the live stream (`alerts` channels including `websocket`), re-read at most
/// once a second so a change in `/v1/settings` reaches open streams quickly without a query per event.
struct StreamPreferences: Sendable {
    let database: Database
    var maxAge: TimeInterval = 1
    let now: @Sendable () -> Date

    struct Wanted: Sendable {
        var types: Set<NotificationType>
        var readAt: Date

        static var defaults: Wanted { Wanted(types: StreamPreferences.types(AlertPreferences()), readAt: .distantPast) }
    }

    func wanted(by userID: UUID, cached: Wanted) async throws -> Wanted {
        let instant = now()
        guard instant.timeIntervalSince(cached.readAt) >= maxAge else { return cached }
        let alerts = try await database.query(
            "SELECT alerts::text FROM user_settings WHERE user_id = \(userID)"
        ).first?.decode(String?.self)
        return Wanted(types: Self.types(AlertPreferences(stored: alerts)), readAt: instant)
    }

    static func types(_ preferences: AlertPreferences) -> Set<NotificationType> {
        Set(NotificationType.allCases.filter { preferences.channels(for: $0).contains(.websocket) })
    }
}
