import Foundation
import Synchronization

/// Why a live stream ended, and what its client is told.
enum StreamEnding: Sendable, Equatable {
    /// The client closed, or its socket failed: nothing more to say.
    case clientClosed
    /// Its send buffer stayed full for the send timeout (`4008`).
    case tooSlow
    /// The server is shutting down (`1001`): reconnect elsewhere with `after`.
    case goingAway

    /// Application close code (4000–4999, RFC 6455 §7.4.2) for a consumer that does not keep up.
    static let tooSlowCloseCode: UInt16 = 4008
}

/// One live stream as the hub sees it: whose it is, and how to wake or stop it. Wakes coalesce (one pending wake
/// is enough: a woken stream reads everything after its last event), so a burst of signals costs one log read.
final class StreamSession: Sendable {
    let id: UInt64
    let userID: UUID
    let wakes: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let stopReason = Mutex<StreamEnding?>(nil)

    init(id: UInt64, userID: UUID) {
        self.id = id
        self.userID = userID
        (wakes, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeContinuation.yield()  // the first read is the catch-up
    }

    func wake() { wakeContinuation.yield() }

    /// Wakes the stream once `delay` has passed (a no-op if it has stopped by then).
    func wake(after delay: Duration) {
        Task { [wakeContinuation] in
            try? await Task.sleep(for: delay)
            wakeContinuation.yield()
        }
    }

    /// Ends the stream (its producer sees the wakes finish, then the reason).
    func stop(_ reason: StreamEnding) {
        stopReason.withLock { $0 = $0 ?? reason }
        wakeContinuation.finish()
    }

    var stoppedBecause: StreamEnding? { stopReason.withLock { $0 } }
}

/// The frames of the stream's protocol (documented on `GET /v1/stream`), written by hand: an event's payload is
/// already JSON text in the log and goes out as it is.
enum StreamFrames {
    /// The same object as an item of `GET /v1/notifications`.
    static func event(_ record: NotificationRecord) -> String {
        var frame = #"{"id":\#(record.id),"type":"\#(record.type.rawValue)","subject":\#(quoted(record.subject)),"#
        frame += #""payload":\#(record.payload),"created_at":"\#(date(record.createdAt))","read_at":"#
        frame += record.readAt.map { #""\#(date($0))"}"# } ?? "null}"
        return frame
    }

    static func ready(after id: Int64) -> String { #"{"type":"ready","after":\#(id)}"# }

    static func heartbeat(at now: Date) -> String { #"{"type":"heartbeat","at":"\#(date(now))"}"# }

    private static func date(_ date: Date) -> String {
        InternetDateTranscoder.format(date) ?? ISO8601DateFormatter().string(from: date)
    }

    private static func quoted(_ text: String) -> String {
        (try? String(decoding: JSONEncoder().encode(text), as: UTF8.self)) ?? "\"\""
    }
}
