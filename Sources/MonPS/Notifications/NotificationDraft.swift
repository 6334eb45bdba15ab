import Foundation
import MonPSCore

/// An event to record for one user: what it is, what it is about and what the user is told.
struct NotificationDraft: Sendable {
    let userID: UUID
    let type: NotificationType
    /// What the event is about (a bet id, an opportunity id…): the log keeps one event per user, type and subject.
    let subject: String
    /// The event's JSON object.
    let payload: String

    init(userID: UUID, type: NotificationType, subject: String, payload: some Encodable) throws {
        self.userID = userID
        self.type = type
        self.subject = subject
        self.payload = String(decoding: try Self.encoder.encode(payload), as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// An event the log accepted (not a repeat of one already there).
struct RecordedNotification: Sendable, Equatable {
    let id: Int64
    let userID: UUID
    let type: NotificationType
}

/// What tells every server instance that a user has new events: published on Redis after the recording
/// transaction commits. The event log is the truth; a lost signal only delays the live stream until its next poll.
struct NotificationSignal: Sendable, Codable, Equatable {
    static let channel = "notifications"

    let userID: UUID
    /// The newest event id recorded for the user.
    let eventID: Int64

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case eventID = "event_id"
    }
}
