import Foundation
import MonPSCore
import PostgresNIO

/// One event of a user's notification log.
struct NotificationRecord: Sendable, Equatable {
    let id: Int64
    let type: NotificationType
    let subject: String
    /// The event's JSON object.
    let payload: String
    let createdAt: Date
    let readAt: Date?
}

/// The per-user event log: listing (newest first, or oldest first after an id for the live stream's resume),
/// read marks and the 7-day retention.
struct NotificationLog: Sendable {
    static let retention: TimeInterval = 7 * 86_400

    let database: Database

    /// Newest first, below `beforeID`; `unreadOnly` and `type` filter.
    func page(
        userID: UUID, unreadOnly: Bool, type: NotificationType?, beforeID: Int64?, limit: Int
    ) async throws -> [NotificationRecord] {
        try await database.query(
            """
            SELECT id, type, subject, payload::text AS payload, created_at, read_at FROM notification_events
            WHERE user_id = \(userID) AND id < \(beforeID ?? Int64.max)
              AND (\(!unreadOnly) OR read_at IS NULL) AND (\(type?.rawValue)::text IS NULL OR type = \(type?.rawValue))
            ORDER BY id DESC LIMIT \(limit)
            """, Self.record)
    }

    /// Oldest first, after `afterID` (the live stream's catch-up), limited to `types` when given.
    func since(userID: UUID, afterID: Int64, types: [String]? = nil, limit: Int) async throws -> [NotificationRecord] {
        try await database.query(
            """
            SELECT id, type, subject, payload::text AS payload, created_at, read_at FROM notification_events
            WHERE user_id = \(userID) AND id > \(afterID) AND (\(types)::text[] IS NULL OR type = ANY(\(types)))
            ORDER BY id LIMIT \(limit)
            """, Self.record)
    }

    /// The user's newest event id (0 when the log is empty): where a live stream without `after` starts.
    func latestID(userID: UUID) async throws -> Int64 {
        try await database.query(
            "SELECT coalesce(max(id), 0) FROM notification_events WHERE user_id = \(userID)"
        ).first?.decode(Int64.self) ?? 0
    }

    func unreadCount(userID: UUID) async throws -> Int {
        try await database.query(
            "SELECT count(*) FROM notification_events WHERE user_id = \(userID) AND read_at IS NULL"
        ).first?.decode(Int.self) ?? 0
    }

    /// Marks the user's events read: those in `ids`, or every one up to `upToID`. Returns how many changed.
    func markRead(userID: UUID, ids: [Int64]?, upToID: Int64?) async throws -> Int {
        try await database.query(
            """
            WITH marked AS (
                UPDATE notification_events SET read_at = now()
                WHERE user_id = \(userID) AND read_at IS NULL
                  AND (\(ids)::bigint[] IS NULL OR id = ANY(\(ids)))
                  AND (\(upToID)::bigint IS NULL OR id <= \(upToID))
                RETURNING 1
            ) SELECT count(*) FROM marked
            """
        ).first?.decode(Int.self) ?? 0
    }

    /// Deletes events older than the retention (their deliveries with them). Returns how many went.
    func prune(now: Date) async throws -> Int {
        try await database.query(
            """
            WITH pruned AS (
                DELETE FROM notification_events WHERE created_at < \(now.addingTimeInterval(-Self.retention)) RETURNING 1
            ) SELECT count(*) FROM pruned
            """
        ).first?.decode(Int.self) ?? 0
    }

    private static func record(_ row: PostgresRow) throws -> NotificationRecord {
        let read = RowReader(row)
        let type: String = try read("type")
        guard let known = NotificationType(rawValue: type) else { throw NotificationStoreError.unknownType(type) }
        return NotificationRecord(
            id: try read("id"), type: known, subject: try read("subject"), payload: try read("payload"),
            createdAt: try read("created_at"), readAt: try read("read_at"))
    }
}
