import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// An app whose webhooks may reach the loopback sink, with fast retries; and helpers to queue events.
enum WebhookTestSupport {
    static let dataKey = String(repeating: "5a", count: 32)

    static func overrides(sink: WebhookSink, extra: [String: String] = [:]) -> [String: String] {
        [
            "MONPS_DATA_KEY": dataKey, "MONPS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "MONPS_TELEGRAM_API_URL": sink.baseURL,
            "MONPS_DELIVERY_BACKOFF_MS": "10", "MONPS_DELIVERY_MAX_ATTEMPTS": "2", "MONPS_WEBHOOK_TIMEOUT_MS": "3000",
        ].merging(extra) { $1 }
    }

    static let settledPayload =
        #"{"bet_id":"b1","bookmaker":"pinnacle","currency":"EUR","event":"Arsenal v Chelsea","market":"h2h","odds":2.1,"payout":2100,"profit":1100,"selection":"Arsenal","sport":"soccer_epl","stake":1000,"status":"won"}"#

    /// Records an event for `user` and its delivery to `webhook`, as the outbox does; returns (event, delivery) ids.
    static func enqueue(
        _ app: TestApp, user: UUID, webhook: UUID, type: String = "bet.settled", subject: String = UUID().uuidString,
        payload: String = settledPayload
    ) async throws -> (event: Int64, delivery: Int64) {
        let event = try await app.services.database.query(
            """
            INSERT INTO notification_events (user_id, type, subject, payload)
            VALUES (\(user), \(type), \(subject), \(payload)::jsonb) RETURNING id
            """
        ).first!.decode(Int64.self)
        let delivery = try await app.services.database.query(
            """
            INSERT INTO notification_deliveries (event_id, user_id, channel, webhook_id)
            VALUES (\(event), \(user), 'webhook', \(webhook)) RETURNING id
            """
        ).first!.decode(Int64.self)
        return (event, delivery)
    }

    static func delivery(_ app: TestApp, _ id: Int64) async throws -> (status: String, attempts: Int, lastError: String?) {
        try await app.services.database.query(
            "SELECT status, attempts, last_error FROM notification_deliveries WHERE id = \(id)"
        ).first!.decode((String, Int, String?).self)
    }

    /// Creates a webhook through the API; returns its id and (generic) signing secret.
    static func create(_ client: any TestClientProtocol, token: String, json: String) async throws -> (id: UUID, secret: String?) {
        let response = try await client.postJSON("/v1/notifications/webhooks", json, token: token)
        guard response.status == .created else { throw TestFailure("create webhook: \(response.status) \(response.text)") }
        let body = try response.json()
        let webhook = try #require(body["webhook"] as? [String: Any])
        return (try #require(UUID(uuidString: webhook["id"] as? String ?? "")), body["signing_secret"] as? String)
    }

    static func userID(_ app: TestApp, token: String) async throws -> UUID {
        try await app.services.auth.identity.authenticate(bearer: token).userID
    }

    static func worker(_ app: TestApp) -> DeliveryWorker {
        app.services.notifications.worker(logger: TestEnvironment.logger)
    }
}

extension TestClientProtocol {
    /// POST without a body.
    func post(_ uri: String, token: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)"])
    }
}
