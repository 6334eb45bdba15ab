import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// Esports results pushed through the feed settle bets with the esports rules (maps, forfeits, walkovers), end to
/// end against real PostgreSQL: feed → result → `bets.settle` → bet status and ledger.
@Suite("Feeds: esports bets settle from pushed results", .hangGuard)
struct EsportsSettlementFlowTests {
    static let batch = """
        {"source": "pandascore", "events": [
          {"id": "cs2-5001", "sport_key": "esports_cs2", "competition": "IEM Katowice", "starts_at": "2026-02-01T15:00:00Z",
           "home": "Team Vitality", "away": "Natus Vincere", "prices": [],
           "result": {"status": "finished", "home_score": 2, "away_score": 1, "winner": "home"}},
          {"id": "cs2-5002", "sport_key": "esports_cs2", "competition": "IEM Katowice", "starts_at": "2026-02-02T15:00:00Z",
           "home": "FaZe Clan", "away": "MOUZ", "prices": [],
           "result": {"status": "retired", "home_score": 1, "away_score": 0, "winner": "home"}},
          {"id": "dota-9", "sport_key": "esports_dota2", "competition": "DreamLeague", "starts_at": "2026-02-03T15:00:00Z",
           "home": "Team Spirit", "away": "Gaimin Gladiators", "prices": [],
           "result": {"status": "walkover", "winner": "away"}}
        ]}
        """

    @Test func mapsForfeitsAndWalkoversGradeAsTheEsportsRulesSay() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            let pushed = try await client.postJSON("/v1/feeds/odds", Self.batch, token: admin)
            #expect(pushed.status == .ok, "\(pushed.text)")
            let user = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(user)))
            func event(_ external: String) async throws -> Int64 {
                try #require(try await database.query(
                    "SELECT event_id FROM event_external_ids WHERE external_id = \(external)").first).decode(Int64.self)
            }
            // (event, market, selection, point, expected status)
            let cases: [(String, String, String, Double?, String)] = [
                ("cs2-5001", "h2h", "home", nil, "won"),
                ("cs2-5001", "spreads", "home", -1.5, "lost"),  // 2–1 is not a 2–0
                ("cs2-5001", "totals", "over", 2.5, "won"),
                // Forfeit at 1–0 (format unknown): the advancing side wins the match; away +2.5 would be won in a
                // best of 3 and could lose in a best of 5, so it is void; over 1.5 maps was certain either way.
                ("cs2-5002", "h2h", "away", nil, "lost"),
                ("cs2-5002", "spreads", "away", 2.5, "void"),
                ("cs2-5002", "totals", "over", 1.5, "won"),
                ("dota-9", "h2h", "away", nil, "void"),  // a walkover voids every market
            ]
            var bets: [(UUID, String)] = []
            for (external, market, selection, point, expected) in cases {
                let id = try await SettlementTests.placeHistoricalBet(
                    database, user: user.id, bankroll: bankroll, event: try await event(external), market: market,
                    selection: selection, point: point, bookmaker: "pinnacle", odds: 2.0, stake: 1_000)
                bets.append((id, expected))
            }
            let run = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(run.items == cases.count, "\(run)")
            for ((id, expected), (external, market, selection, point, _)) in zip(bets, cases) {
                let row = try #require(try await database.query("SELECT status, payout FROM bets WHERE id = \(id)").first)
                let (status, payout) = try row.decode((String, Int64?).self)
                #expect(status == expected, "\(external) \(market) \(selection) \(point.map { "\($0)" } ?? "")")
                #expect(payout == ["won": 2_000, "void": 1_000, "lost": 0][expected])
            }
        }
    }
}
