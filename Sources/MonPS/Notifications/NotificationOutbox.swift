import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// Records notification events and their deliveries in the caller's transaction (the transactional outbox),
/// and tells the live streams about them once that transaction has committed.
///
/// Which events exist and where they go follow each user's `AlertPreferences`: admin-only types reach admins
/// only, the daily digest only those who asked for it; a type's webhook and email deliveries go to the channels
/// the user chose, deferred to the end of their quiet hours.
struct NotificationOutbox: Sendable {
    let redis: RedisClient
    let logger: Logger
    /// The process clock: when deliveries fall due (quiet hours defer them from it).
    let now: @Sendable () -> Date

    /// Records `drafts` on `connection` (inside the transaction of their cause). Repeats of events already in
    /// the log are skipped; the result lists only the new ones, for `announce` after the commit.
    /// - Parameter at: the instant the deliveries are due from, when not now (a job catching up on a past instant).
    func record(_ drafts: [NotificationDraft], on connection: DatabaseConnection, at instant: Date? = nil) async throws
        -> [RecordedNotification]
    {
        guard !drafts.isEmpty else { return [] }
        let due = instant ?? now()
        let recipients = try await Self.recipients(Array(Set(drafts.map(\.userID))), on: connection)
        let accepted = drafts.filter { draft in
            guard let recipient = recipients[draft.userID] else { return false }
            if draft.type.isAdminOnly && !recipient.isAdmin { return false }
            if draft.type == .digestDaily && !recipient.alerts.dailyDigest { return false }
            return true
        }
        guard !accepted.isEmpty else { return [] }
        try await Self.serialize(users: Set(accepted.map(\.userID)), on: connection)
        let rows = try await connection.query(
            """
            INSERT INTO notification_events (user_id, type, subject, payload)
            SELECT d.user_id, d.type, d.subject, d.payload::jsonb
            FROM unnest(\(accepted.map(\.userID))::uuid[], \(accepted.map(\.type.rawValue))::text[],
                        \(accepted.map(\.subject))::text[], \(accepted.map(\.payload))::text[])
                 AS d(user_id, type, subject, payload)
            ON CONFLICT (user_id, type, subject) DO NOTHING
            RETURNING id, user_id, type
            """)
        let recorded = try rows.map { row in
            let read = RowReader(row)
            let type: String = try read("type")
            guard let known = NotificationType(rawValue: type) else { throw NotificationStoreError.unknownType(type) }
            return RecordedNotification(id: try read("id"), userID: try read("user_id"), type: known)
        }
        try await enqueueDeliveries(for: recorded, recipients: recipients, on: connection, now: due)
        return recorded.sorted { $0.id < $1.id }
    }

    /// Makes a user's event ids follow commit order: this transaction holds a lock per user until it ends, so
    /// another one recording for the same user takes its id only after this one committed. A live stream reads
    /// `id > last id sent`, so an event committed late with a smaller id would otherwise never reach it. The locks
    /// are taken in one sorted order, so transactions recording for several users cannot deadlock each other.
    private static func serialize(users: Set<UUID>, on connection: DatabaseConnection) async throws {
        let ordered = users.map { $0.uuidString.lowercased() }.sorted()
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(\(lockNamespace), hashtext(u)) FROM unnest(\(ordered)::text[]) WITH ORDINALITY AS t(u, n)
            """)
    }

    /// The first key of the per-user locks (`pg_advisory_xact_lock(int, int)`), apart from other advisory locks.
    static let lockNamespace: Int32 = 0x4E_4F_54  // "NOT"

    /// Records and announces one event for every active administrator, in a transaction of its own: for causes
    /// that are not a transaction (a failed job run, the credits a collection run saw). A failure is logged, not
    /// thrown: what went wrong is already recorded elsewhere (the run, the metric).
    func tellAdmins(type: NotificationType, subject: String, payload: some Encodable, database: Database) async {
        do {
            let recorded = try await database.transaction { connection in
                let admins = try await connection.query("SELECT id FROM users WHERE role = 'admin' AND status = 'active'")
                    .map { try $0.decode(UUID.self) }
                return try await record(
                    try admins.map { try NotificationDraft(userID: $0, type: type, subject: subject, payload: payload) },
                    on: connection)
            }
            await announce(recorded)
        } catch {
            logger.warning(
                "admin notification not recorded", metadata: ["type": .string(type.rawValue), "error": .string("\(error)")])
        }
    }

    /// Tells every instance's live streams about `recorded` (after the commit). A failure is logged, not
    /// thrown: the change is stored, and the streams find the events on their next poll.
    func announce(_ recorded: [RecordedNotification]) async {
        var newest: [UUID: Int64] = [:]
        for event in recorded { newest[event.userID] = max(newest[event.userID] ?? 0, event.id) }
        for (userID, eventID) in newest {
            do {
                let message = try JSONEncoder().encode(NotificationSignal(userID: userID, eventID: eventID))
                _ = try await redis.publish(channel: NotificationSignal.channel, message: Array(message))
            } catch {
                logger.warning("notification signal not published", metadata: ["error": .string("\(error)")])
            }
        }
    }

    // MARK: - Deliveries

    private func enqueueDeliveries(
        for recorded: [RecordedNotification], recipients: [UUID: Recipient], on connection: DatabaseConnection, now: Date
    ) async throws {
        guard !recorded.isEmpty else { return }
        let owners = Array(Set(recorded.map(\.userID)))
        let hooks = try await connection.query(
            "SELECT id, user_id, events FROM webhooks WHERE enabled AND user_id = ANY(\(owners))"
        ).map { row in
            let read = RowReader(row)
            return (try read("id", UUID.self), try read("user_id", UUID.self), try read("events", [String].self))
        }
        var webhookRows: (events: [Int64], users: [UUID], hooks: [UUID], due: [Date]) = ([], [], [], [])
        var emailRows: (events: [Int64], users: [UUID], due: [Date]) = ([], [], [])
        for event in recorded {
            guard let recipient = recipients[event.userID] else { continue }
            let channels = recipient.alerts.channels(for: event.type)
            let due = recipient.alerts.quietHours?.deferral(of: now, in: recipient.timeZone) ?? now
            if channels.contains(.webhook) {
                for (hookID, owner, events) in hooks where owner == event.userID && events.contains(event.type.rawValue) {
                    webhookRows.events.append(event.id)
                    webhookRows.users.append(owner)
                    webhookRows.hooks.append(hookID)
                    webhookRows.due.append(due)
                }
            }
            if channels.contains(.email) {
                emailRows.events.append(event.id)
                emailRows.users.append(event.userID)
                emailRows.due.append(due)
            }
        }
        if !webhookRows.events.isEmpty {
            try await connection.query(
                """
                INSERT INTO notification_deliveries (event_id, user_id, channel, webhook_id, next_attempt_at)
                SELECT e, u, 'webhook', w, d
                FROM unnest(\(webhookRows.events)::bigint[], \(webhookRows.users)::uuid[], \(webhookRows.hooks)::uuid[],
                            \(webhookRows.due)::timestamptz[]) AS x(e, u, w, d)
                ON CONFLICT DO NOTHING
                """)
        }
        if !emailRows.events.isEmpty {
            try await connection.query(
                """
                INSERT INTO notification_deliveries (event_id, user_id, channel, next_attempt_at)
                SELECT e, u, 'email', d
                FROM unnest(\(emailRows.events)::bigint[], \(emailRows.users)::uuid[], \(emailRows.due)::timestamptz[])
                     AS x(e, u, d)
                ON CONFLICT DO NOTHING
                """)
        }
    }

    // MARK: - Recipients

    struct Recipient: Sendable {
        let isAdmin: Bool
        let alerts: AlertPreferences
        let timeZone: TimeZone
    }

    /// The active users among `ids`, with their alert preferences (defaults when they never saved settings).
    static func recipients(_ ids: [UUID], on connection: DatabaseConnection) async throws -> [UUID: Recipient] {
        let rows = try await connection.query(
            """
            SELECT u.id, u.role = 'admin' AS is_admin, s.alerts::text AS alerts, s.time_zone
            FROM users u LEFT JOIN user_settings s ON s.user_id = u.id
            WHERE u.id = ANY(\(ids)) AND u.status = 'active'
            """)
        var found: [UUID: Recipient] = [:]
        for row in rows {
            let read = RowReader(row)
            found[try read("id")] = Recipient(
                isAdmin: try read("is_admin"),
                alerts: AlertPreferences(stored: try read("alerts")),
                timeZone: try read("time_zone", String?.self).flatMap(TimeZone.init(identifier:)) ?? .gmt)
        }
        return found
    }
}

/// The event log holds something this build does not know (a newer type written by a newer instance).
enum NotificationStoreError: Error, CustomStringConvertible {
    case unknownType(String)

    var description: String {
        switch self {
        case .unknownType(let type): "unknown notification type \(type)"
        }
    }
}
