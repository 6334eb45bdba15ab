import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// `notifications.digest` against real PostgreSQL: who gets a digest, when, once, and what it says.
@Suite("Notifications: the daily digest job", .hangGuard)
struct DailyDigestJobTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func run(_ app: TestApp, at now: String) async throws -> JobOutcome {
        let job = DailyDigestJob(database: app.services.database, outbox: app.services.notifications.outbox)
        return try await job.run(JobContext(runID: 0, logger: TestEnvironment.logger, now: { Self.instant(now) }))
    }

    @Test func aBettorWhoAskedGetsYesterdaysSummaryOnceFrom8InTheirZone() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let user = try await fixture.user(), other = try await fixture.user()
            let euros = try #require(UUID(uuidString: try await fixture.bankrollID(user)))
            let pounds = try #require(UUID(uuidString: try await fixture.bankrollID(user, name: "UK", currency: "GBP")))
            _ = try await fixture.bankrollID(other)
            let settings = try await client.postJSON(
                "/v1/settings",
                #"{"time_zone":"Europe/Paris","alerts":{"email":false,"websocket":true,"webhook":false,"daily_digest":true,"min_edge":0.05}}"#,
                token: user.token, method: .put)
            #expect(settings.status == .ok, "\(settings.text)")

            // 30 November in Paris is 2026-11-29T23:00Z to 2026-11-30T23:00Z.
            let events = try await app.services.loader.load(
                [SampleEvents.footballMatch(home: "Everton", away: "Fulham", startsAt: Self.instant("2026-11-30T15:00:00Z"),
                                            externalID: "digest-1", result: nil)],
                source: .file(.genericCSV)).eventIDs
            func bet(_ bankroll: UUID, owner: UUID = user.id) async throws -> UUID {
                try await SettlementTests.placeHistoricalBet(
                    database, user: owner, bankroll: bankroll, event: events[0], market: "h2h", selection: "home",
                    bookmaker: "bet365", odds: 2.10)
            }
            let won = try await bet(euros), lost = try await bet(euros), pound = try await bet(pounds)
            let earlier = try await bet(euros), pending = try await bet(euros)
            let settle: [(UUID, String, Int64, Int64, Double?, String)] = [
                (won, "won", 21_000, 11_000, 0.04, "2026-11-30T10:00:00Z"),
                (lost, "lost", 0, -10_000, -0.02, "2026-11-30T22:59:59Z"),
                (pound, "void", 10_000, 0, nil, "2026-11-29T23:00:00Z"),
                (earlier, "won", 21_000, 11_000, 0.5, "2026-11-29T22:59:59Z"),  // 29 November in Paris
            ]
            for (id, status, payout, profit, clv, at) in settle {
                try await database.query(
                    """
                    UPDATE bets SET status = \(status), payout = \(payout), profit = \(profit), clv = \(clv),
                                    settled_at = \(Self.instant(at))
                    WHERE id = \(id)
                    """)
            }
            try await database.query("UPDATE bets SET placed_at = \(Self.instant("2026-11-30T12:00:00Z")) WHERE id = \(pending)")
            for (edge, sport) in [(0.08, "soccer_epl"), (0.03, "soccer_epl")] {  // the second is under the user's 5 %
                try await database.query(
                    """
                    INSERT INTO opportunities (event_id, sport_key, market, outcome, bookmaker, price, captured_at,
                        fair_probability, edge, score, verdict, agents, votes, prices, starts_at, detected_at)
                    VALUES (\(events[0]), \(sport), 'h2h', \(edge > 0.05 ? "home" : "away"), 'bet365', 2.5,
                        \(Self.instant("2026-11-30T09:00:00Z")), 0.45, \(edge), 70, 'analyze', '{}', '{}', '{}',
                        \(Self.instant("2026-11-30T15:00:00Z")), \(Self.instant("2026-11-30T09:00:00Z")))
                    """)
            }

            #expect(try await Self.run(app, at: "2026-12-01T06:59:00Z").items == 0)  // 07:59 in Paris
            #expect(try await Self.run(app, at: "2026-12-01T08:30:00Z").items == 1)
            #expect(try await Self.run(app, at: "2026-12-01T20:00:00Z").items == 0)  // once a day
            // 1 December had nothing: no digest for it.
            #expect(try await Self.run(app, at: "2026-12-02T08:30:00Z").items == 0)

            let (items, _) = try await NotificationLogTests.events(client, user)
            #expect(items.map { $0["type"] as? String } == ["digest.daily"])
            #expect(items.first?["subject"] as? String == "2026-11-30")
            let payload = try #require(items.first?["payload"] as? [String: Any])
            #expect(payload["date"] as? String == "2026-11-30")
            #expect(payload["time_zone"] as? String == "Europe/Paris")
            #expect(payload["bets_placed"] as? Int == 1)
            #expect(payload["bets_settled"] as? Int == 3)
            #expect(payload["won"] as? Int == 1)
            #expect(payload["lost"] as? Int == 1)
            #expect(payload["void"] as? Int == 1)
            #expect(payload["pending"] as? Int == 1)
            #expect(payload["clv_bets"] as? Int == 2)
            #expect(abs((payload["average_clv"] as? Double ?? 0) - 0.01) < 1e-9)
            #expect(payload["opportunities"] as? Int == 1)
            let totals = try #require(payload["totals"] as? [[String: Any]])
            #expect(totals.map { $0["currency"] as? String } == ["EUR", "GBP"])
            #expect(totals.map { $0["staked"] as? Int } == [20_000, 10_000])
            #expect(totals.map { $0["profit"] as? Int } == [1_000, 0])
            #expect(totals.map { $0["settled"] as? Int } == [2, 1])

            // What webhooks and email say about it.
            let message = NotificationText.message(type: "digest.daily", payload: payload)
            #expect(message.title == "Daily summary: 2026-11-30")
            #expect(message.summary == "3 settled (1 won, 1 lost, 1 void): +10.00 EUR, 0.00 GBP")
            #expect(message.fields.contains(.init(name: "Average CLV", value: "+1.0%")))

            // The bettor who did not ask gets nothing.
            #expect(try await NotificationLogTests.events(client, other).items.isEmpty)
        }
    }
}
