import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Opportunity history and admin analytics", .hangGuard)
struct AnalyticsHistoryAdminTests {
    @Test func pastOpportunitiesWithResultAndPaperOutcome() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let (nhl, _, finished) = try await fixture.seedEvents()
            let db = app.services.database
            for (event, outcome, status, verdict, agents, grade) in [
                (nhl, "home", "active", "analyze", "{sharp_value}", nil),
                (nhl, "away", "withdrawn", "caution", "{steam}", nil),
                (finished, "home", "expired", "analyze", "{sharp_value,steam}", "won"),
            ] as [(Int64, String, String, String, String, String?)] {
                try await db.query(
                    """
                    INSERT INTO opportunities (event_id, sport_key, market, outcome, bookmaker, price, captured_at,
                        fair_probability, edge, score, verdict, agents, votes, prices, starts_at, status, grade, unit_return,
                        clv, graded_at)
                    SELECT e.id, e.sport_key, 'h2h', \(outcome), 'bet365', 2.1, now(), 0.5, 0.05, 70, \(verdict),
                           \(agents)::text[], '[]', '{}', e.starts_at, \(status), \(grade),
                           CASE WHEN \(grade)::text IS NULL THEN NULL ELSE 2.1 END,
                           CASE WHEN \(grade)::text IS NULL THEN NULL ELSE 0.03 END,
                           CASE WHEN \(grade)::text IS NULL THEN NULL ELSE now() END
                    FROM events e WHERE e.id = \(event)
                    """)
            }
            // The graded one carries its agents' votes as the detector stores them (one without a signal).
            let votes = #"[{"agent":"steam","weight":0.5},{"agent":"sharp_value","weight":1.5}]"#
            try await db.query("UPDATE opportunities SET votes = \(votes)::jsonb WHERE event_id = \(finished)")
            let response = try await client.get("/v1/opportunities/history", token: user.token)
            #expect(response.status == .ok, "\(response.text)")
            let items = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["withdrawn", "expired"])  // latest kick-off first
            let graded = items[1]
            #expect(graded["price_at_kickoff"] as? Double == 2.1 && graded["home"] is String)
            let paper = try #require(graded["paper"] as? [String: Any])
            #expect(paper["grade"] as? String == "won" && paper["unit_return"] as? Double == 2.1 && paper["clv"] as? Double == 0.03)
            #expect(items[0]["paper"] == nil)
            #expect(graded["market"] as? String == "h2h" && graded["outcome"] as? String == "home")
            #expect(graded["verdict"] as? String == "analyze" && items[0]["verdict"] as? String == "caution")
            let result = try #require(graded["result"] as? [String: Any])
            #expect(result["home_score"] as? Int == 2 && result["away_score"] as? Int == 1 && result["winner"] as? String == "home")
            let graderVotes = try #require(graded["votes"] as? [[String: Any]])
            #expect(graderVotes.map { $0["agent"] as? String } == ["steam", "sharp_value"])
            #expect(graderVotes.map { $0["voted"] as? Bool } == [false, false] && graderVotes.first?["weight"] as? Double == 0.5)

            let steam = try await client.get("/v1/opportunities/history?agent=steam&verdict=analyze", token: user.token).json()
            #expect((steam["data"] as? [[String: Any]])?.count == 1)
            // Cursor paging, and never from the shared cache.
            let first = try await client.get("/v1/opportunities/history?limit=1", token: user.token)
            #expect(first.headers[HTTPField.Name("X-Cache")!] != "hit")
            let cursor = try #require(try first.json()["next_cursor"] as? String)
            let second = try await client.get("/v1/opportunities/history?limit=1&cursor=\(cursor)", token: user.token).json()
            #expect((second["data"] as? [[String: Any]])?.first?["status"] as? String == "expired")
            #expect(second["next_cursor"] is NSNull)
            let again = try await client.get("/v1/opportunities/history?limit=1", token: user.token)
            #expect(again.headers[HTTPField.Name("X-Cache")!] != "hit")
            try await client.get("/v1/opportunities/history?cursor=nonsense", token: user.token).expectProblem(.badRequest)
            try await client.get("/v1/opportunities/history").expectProblem(.unauthorized)
        }
    }

    @Test func adminAnalyticsCountsRequestsPerCaller() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let admin = try await fixture.user(role: .admin)
            let user = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(user)))
            try await AnalyticsFixture.insertBet(
                app.services.database, user: user.id, bankroll: bankroll,
                placed: ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3_600)), status: "won", stake: 100,
                odds: 2, payout: 200)
            for _ in 0..<3 { _ = try await client.get("/v1/analytics/clv", token: user.token) }
            let response = try await client.get("/v1/admin/analytics", token: admin.token)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            let active = try #require(body["active_users"] as? [String: Int])
            #expect(active["day"] ?? 0 >= 2 && active["week"] ?? 0 >= 2 && active["month"] ?? 0 >= 2)
            let requests = try #require(body["requests"] as? [[String: Any]])
            let mine = requests.first { $0["principal"] as? String == "user:\(user.id.uuidString.lowercased())" && $0["route_class"] as? String == "read" }
            // /v1/me and /v1/bankrolls reads of the fixture, then the three analytics calls.
            #expect((mine?["requests"] as? Int ?? 0) >= 3)
            #expect(requests.contains { $0["principal"] as? String == "anonymous" && $0["route_class"] as? String == "auth" })
            let days = try #require(body["bets_per_day"] as? [[String: Any]])
            #expect(days.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } >= 1)
            #expect((body["backtests"] as? [String: Int])?["total"] == 0)
            #expect(body["jobs"] is [Any])
            try await client.get("/v1/admin/analytics", token: user.token).expectProblem(.forbidden)
        }
    }
}
