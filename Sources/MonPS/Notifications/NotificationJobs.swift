import Foundation
import Logging
import MonPSCore

/// `notifications.kickoff`: a `bet.kickoff_soon` for every pending bet whose event starts within the lead time.
/// Each bet gets it once (the log's one event per type and subject), however often the job runs.
struct KickoffReminderJob: Job {
    let database: Database
    let outbox: NotificationOutbox
    var interval: Duration = .seconds(60)
    var lead: TimeInterval = 30 * 60

    var name: String { "notifications.kickoff" }
    var summary: String { "Tells bettors that a pending bet's event starts within 30 minutes" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let recorded = try await database.transaction { connection in
            let due = try await connection.query(
                """
                SELECT b.id FROM bets b JOIN events e ON e.id = b.event_id
                WHERE b.status = 'pending' AND e.status = 'scheduled'
                  AND e.starts_at > now() AND e.starts_at <= now() + make_interval(secs => \(lead))
                  AND NOT EXISTS (SELECT 1 FROM notification_events n
                                  WHERE n.user_id = b.user_id AND n.type = 'bet.kickoff_soon' AND n.subject = b.id::text)
                ORDER BY e.starts_at LIMIT 5000
                """
            ).map { try $0.decode(UUID.self) }
            return try await outbox.record(try await BetNotice.drafts(.betKickoffSoon, betIDs: due, on: connection), on: connection)
        }
        await outbox.announce(recorded)
        return JobOutcome(items: recorded.count, message: "\(recorded.count) kick-off reminder(s)")
    }
}

/// `notifications.prune`: the event log keeps 7 days (deliveries go with their event).
struct NotificationPruneJob: Job {
    let log: NotificationLog
    var interval: Duration = .seconds(3600)

    var name: String { "notifications.prune" }
    var summary: String { "Deletes notification events older than 7 days" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let pruned = try await log.prune(now: context.now())
        return JobOutcome(items: pruned, message: "\(pruned) notification(s) older than 7 days deleted")
    }
}

/// `accounts.prune`: password-reset and verification tokens a day past their expiry are deleted.
struct AccountTokenPruneJob: Job {
    let database: Database
    var interval: Duration = .seconds(6 * 3600)

    var name: String { "accounts.prune" }
    var summary: String { "Deletes password-reset and email-verification tokens a day past their expiry" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let deleted = try await PostgresAccountTokenRepository(executor: database)
            .deleteExpired(before: context.now().addingTimeInterval(-86_400))
        return JobOutcome(items: deleted, message: "\(deleted) expired account token(s) deleted")
    }
}
