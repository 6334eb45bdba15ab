import Foundation
import PostgresNIO

/// A delivery a worker claimed, with its event and (webhook channel) its webhook as stored.
struct ClaimedDelivery: Sendable {
    let id: Int64
    /// Attempts including this one.
    let attempts: Int
    let userID: UUID
    let channel: String
    let notification: OutgoingNotification
    let webhook: StoredWebhook?

    struct StoredWebhook: Sendable {
        let id: UUID
        let kind: String
        let targetSealed: String
        let secretSealed: String?
        let enabled: Bool
    }
}

/// Where a delivery goes (`notification_deliveries.channel`).
enum DeliveryChannel: String, Sendable {
    case webhook, email
}

/// Where a delivery is: waiting (first try or a retry), delivered, or dead after its last attempt.
enum DeliveryState: String, Sendable {
    case pending, delivered, dead
}

/// A delivery as its owner sees it (`GET /v1/notifications/deliveries`).
struct DeliveryRecord: Sendable, Equatable {
    let id: Int64
    let eventID: Int64
    let eventType: String
    let channel: DeliveryChannel
    let webhookID: UUID?
    let webhookName: String?
    let status: DeliveryState
    let attempts: Int
    let lastError: String?
    let nextAttemptAt: Date
    let deliveredAt: Date?
    let createdAt: Date
}

/// The outbox's consumer side. A claim is one statement (`FOR UPDATE SKIP LOCKED`, so concurrent workers never
/// take the same row) that counts the attempt and moves `next_attempt_at` a lease ahead: no lock or
/// connection is held while sending, and if the worker dies mid-send the lease runs out and the delivery is
/// sent again (at least once; receivers deduplicate by event id). Only a 2xx answer marks it delivered, and
/// every later write checks `status = 'pending'`, so a late failure never overwrites a delivery.
struct DeliveryQueue: Sendable {
    let database: Database

    func claim(limit: Int, channels: [String], lease: Duration) async throws -> [ClaimedDelivery] {
        try await database.query(
            """
            WITH due AS (
                SELECT id FROM notification_deliveries
                WHERE status = 'pending' AND next_attempt_at <= now() AND channel = ANY(\(channels))
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE notification_deliveries d
                SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => \(lease.intervalSeconds))
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.attempts, d.user_id, d.channel, d.event_id, d.webhook_id
            )
            SELECT c.id, c.attempts, c.user_id, c.channel, e.id AS event_id, e.type AS event_type, e.subject,
                   e.payload::text AS payload, e.created_at AS event_created_at,
                   w.id AS webhook_id, w.kind, w.target_sealed, w.secret_sealed, w.enabled
            FROM claimed c JOIN notification_events e ON e.id = c.event_id LEFT JOIN webhooks w ON w.id = c.webhook_id
            ORDER BY c.id
            """
        ) { row in
            let read = RowReader(row)
            let webhookID: UUID? = try read("webhook_id")
            return ClaimedDelivery(
                id: try read("id"), attempts: try read("attempts"), userID: try read("user_id"), channel: try read("channel"),
                notification: OutgoingNotification(
                    id: String(try read("event_id", Int64.self)), type: try read("event_type"), subject: try read("subject"),
                    createdAt: try read("event_created_at"), payload: try read("payload")),
                webhook: try webhookID.map {
                    ClaimedDelivery.StoredWebhook(
                        id: $0, kind: try read("kind"), targetSealed: try read("target_sealed"),
                        secretSealed: try read("secret_sealed"), enabled: try read("enabled"))
                })
        }
    }

    /// The receiver accepted it.
    func markDelivered(id: Int64) async throws {
        try await database.query(
            """
            UPDATE notification_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// A failed attempt: retried after `retryIn`, or dead when it was the last one.
    func markFailed(id: Int64, error: String, retryIn: Duration, maxAttempts: Int) async throws {
        try await database.query(
            """
            UPDATE notification_deliveries
            SET status = CASE WHEN attempts >= \(maxAttempts) THEN 'dead' ELSE 'pending' END,
                last_error = \(String(error.prefix(1000))), next_attempt_at = now() + make_interval(secs => \(retryIn.intervalSeconds))
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// Dead at once (the webhook is disabled, or its secret cannot be opened): retrying cannot help until the
    /// owner changes something.
    func markDead(id: Int64, error: String) async throws {
        try await database.query(
            """
            UPDATE notification_deliveries SET status = 'dead', last_error = \(String(error.prefix(1000)))
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    /// Not sent (the endpoint's rate limit): the claim's attempt is given back and the delivery waits.
    func postpone(id: Int64, by delay: Duration) async throws {
        try await database.query(
            """
            UPDATE notification_deliveries
            SET attempts = greatest(attempts - 1, 0), next_attempt_at = now() + make_interval(secs => \(delay.intervalSeconds))
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    // MARK: - The owner's view

    func page(owner: UUID, status: String?, beforeID: Int64?, limit: Int) async throws -> [DeliveryRecord] {
        try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.joined)
            WHERE d.user_id = \(owner) AND d.id < \(beforeID ?? Int64.max)
              AND (\(status)::text IS NULL OR d.status = \(status))
            ORDER BY d.id DESC LIMIT \(limit)
            """, Self.record)
    }

    /// A dead delivery back to pending, due now, attempts reset.
    func retry(id: Int64, owner: UUID) async throws -> DeliveryRecord {
        let revived = try await database.query(
            """
            UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now()
            WHERE id = \(id) AND user_id = \(owner) AND status = 'dead' RETURNING id
            """)
        let found = try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.joined)
            WHERE d.id = \(id) AND d.user_id = \(owner)
            """, Self.record)
        guard let record = found.first else { throw WebhookError.deliveryNotFound }
        guard !revived.isEmpty else { throw WebhookError.deliveryNotDead(status: record.status.rawValue) }
        return record
    }

    private static let columns = """
        d.id, d.event_id, e.type AS event_type, d.channel, d.webhook_id, w.name AS webhook_name, d.status, d.attempts,
        d.last_error, d.next_attempt_at, d.delivered_at, d.created_at
        """

    private static let joined = """
        notification_deliveries d JOIN notification_events e ON e.id = d.event_id LEFT JOIN webhooks w ON w.id = d.webhook_id
        """

    private static func record(_ row: PostgresRow) throws -> DeliveryRecord {
        let read = RowReader(row)
        return DeliveryRecord(
            id: try read("id"), eventID: try read("event_id"), eventType: try read("event_type"),
            channel: try read("channel"), webhookID: try read("webhook_id"), webhookName: try read("webhook_name"),
            status: try read("status"), attempts: try read("attempts"), lastError: try read("last_error"),
            nextAttemptAt: try read("next_attempt_at"), deliveredAt: try read("delivered_at"),
            createdAt: try read("created_at"))
    }
}

extension Duration {
    /// Seconds as a Double (for `make_interval`).
    var intervalSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
