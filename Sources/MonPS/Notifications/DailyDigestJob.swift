import Foundation
import Logging
import MonPSCore

/// `notifications.digest`: a `digest.daily` for every bettor who asked for it (`alerts.daily_digest`), once a day
/// from 08:00 in their time zone, about the local day before: bets placed and settled, profit per currency, CLV
/// and the opportunities that matched their alert preferences. A day without any of these sends nothing.
///
/// The event's subject is the local date, so the log's one event per user, type and subject makes a repeated run
/// (or two instances running it) record each digest once.
struct DailyDigestJob: Job {
    let database: Database
    let outbox: NotificationOutbox
    var schedule = DigestSchedule()
    var interval: Duration = .seconds(15 * 60)

    var name: String { "notifications.digest" }
    var summary: String { "Sends the daily summary (yesterday's bets, profit, CLV and alerts) to bettors who asked for it" }

    private struct Subscriber {
        let userID: UUID
        let timeZone: TimeZone
        let zoneName: String
        let alerts: AlertPreferences
        /// The newest digest already recorded (`yyyy-MM-dd`, so it compares as text).
        let lastDigest: String?
    }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let instant = context.now()
        let subscribers = try await database.query(
            """
            SELECT s.user_id, s.time_zone, s.alerts::text AS alerts,
                   (SELECT max(n.subject) FROM notification_events n WHERE n.user_id = s.user_id AND n.type = 'digest.daily')
                       AS last_digest
            FROM user_settings s JOIN users u ON u.id = s.user_id
            WHERE u.status = 'active' AND s.alerts->>'daily_digest' = 'true'
            """
        ).map { row in
            let read = RowReader(row)
            let zone: String = try read("time_zone")
            return Subscriber(
                userID: try read("user_id"), timeZone: TimeZone(identifier: zone) ?? .gmt, zoneName: zone,
                alerts: AlertPreferences(stored: try read("alerts", String.self)), lastDigest: try read("last_digest"))
        }
        var sent = 0, failed = 0
        for subscriber in subscribers {
            guard let day = schedule.dueDay(at: instant, in: subscriber.timeZone),
                subscriber.lastDigest.map({ $0 < day.date }) ?? true
            else { continue }
            do {
                let recorded = try await database.transaction { connection in
                    let digest = try await Self.summary(of: day, for: subscriber, on: connection)
                    guard !digest.isEmpty else { return [RecordedNotification]() }
                    let draft = try NotificationDraft(
                        userID: subscriber.userID, type: .digestDaily, subject: day.date, payload: digest)
                    return try await outbox.record([draft], on: connection, at: instant)
                }
                await outbox.announce(recorded)
                sent += recorded.count
            } catch {
                // One bettor's digest failing leaves the others to go out; the next run tries again.
                failed += 1
                context.logger.warning(
                    "daily digest not recorded", metadata: ["user_id": "\(subscriber.userID)", "error": "\(error)"])
            }
        }
        return JobOutcome(items: sent, errors: failed, message: "\(sent) daily digest(s)")
    }

    private static func summary(of day: DigestDay, for subscriber: Subscriber, on connection: DatabaseConnection)
        async throws -> DailyDigest
    {
        var digest = DailyDigest(date: day.date, timeZone: subscriber.zoneName)
        let user = subscriber.userID, alerts = subscriber.alerts
        let counts = try await connection.query(
            """
            SELECT
              (SELECT count(*) FROM bets WHERE user_id = \(user) AND placed_at >= \(day.start) AND placed_at < \(day.end))
                  AS placed,
              (SELECT count(*) FROM bets WHERE user_id = \(user) AND status = 'pending') AS pending,
              (SELECT count(*) FROM opportunities o
               WHERE o.detected_at >= \(day.start) AND o.detected_at < \(day.end) AND o.edge >= \(alerts.minEdge)
                 AND (cardinality(\(alerts.sports)::text[]) = 0 OR o.sport_key = ANY(\(alerts.sports)::text[]))
                 AND (cardinality(\(alerts.verdicts)::text[]) = 0 OR o.verdict = ANY(\(alerts.verdicts)::text[])))
                  AS opportunities,
              (SELECT avg(clv)::float8 FROM bets
               WHERE user_id = \(user) AND settled_at >= \(day.start) AND settled_at < \(day.end) AND clv IS NOT NULL)
                  AS average_clv,
              (SELECT count(*) FROM bets
               WHERE user_id = \(user) AND settled_at >= \(day.start) AND settled_at < \(day.end) AND clv IS NOT NULL)
                  AS clv_bets
            """)
        if let row = counts.first {
            let read = RowReader(row)
            digest.betsPlaced = try read("placed")
            digest.pending = try read("pending")
            digest.opportunities = try read("opportunities")
            digest.averageCLV = try read("average_clv")
            digest.clvBets = try read("clv_bets")
        }
        let settled = try await connection.query(
            """
            SELECT k.currency, count(*) AS settled,
                   count(*) FILTER (WHERE b.status IN ('won', 'half_won')) AS won,
                   count(*) FILTER (WHERE b.status IN ('lost', 'half_lost')) AS lost,
                   count(*) FILTER (WHERE b.status IN ('void', 'push')) AS void,
                   sum(b.stake)::bigint AS staked, coalesce(sum(b.profit), 0)::bigint AS profit
            FROM bets b JOIN bankrolls k ON k.id = b.bankroll_id
            WHERE b.user_id = \(user) AND b.settled_at >= \(day.start) AND b.settled_at < \(day.end)
              AND b.status NOT IN ('pending', 'cancelled')
            GROUP BY k.currency ORDER BY k.currency
            """)
        for row in settled {
            let read = RowReader(row)
            let count: Int = try read("settled")
            digest.betsSettled += count
            digest.won += try read("won", Int.self)
            digest.lost += try read("lost", Int.self)
            digest.void += try read("void", Int.self)
            digest.totals.append(
                .init(currency: try read("currency"), settled: count, staked: try read("staked"), profit: try read("profit")))
        }
        return digest
    }
}
