import Foundation
import MonPSCore

/// Turns a user's notification emails off (the unsubscribe link): the `email` switch of their alert
/// preferences, and their email deliveries still waiting, in one transaction.
struct EmailOptOut: Sendable {
    let database: Database

    /// Returns false when the user does not exist (a token of a deleted account).
    func optOut(userID: UUID) async throws -> Bool {
        try await database.transaction { connection in
            guard try await !connection.query("SELECT 1 FROM users WHERE id = \(userID)").isEmpty else { return false }
            // No settings saved yet: the defaults, email off (it is off by default, but say so explicitly).
            var defaults = AlertPreferences()
            defaults.email = false
            let json = String(decoding: try JSONEncoder().encode(defaults), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO user_settings (user_id, alerts, updated_at) VALUES (\(userID), \(json)::jsonb, now())
                ON CONFLICT (user_id) DO UPDATE SET alerts = jsonb_set(user_settings.alerts, '{email}', 'false'), updated_at = now()
                """)
            try await connection.query(
                "DELETE FROM notification_deliveries WHERE user_id = \(userID) AND channel = 'email' AND status = 'pending'")
            return true
        }
    }
}
