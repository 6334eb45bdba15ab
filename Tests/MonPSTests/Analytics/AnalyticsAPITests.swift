import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Analytics: breakdown, heatmap, win rate, CLV and bankroll curve", .hangGuard)
struct AnalyticsAPITests {
    @Test func breakdownByBookmakerByHand() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let token = f.user.token
            // Two currencies in scope: refused, never added up.
            try await client.get("/v1/analytics/breakdown?by=bookmaker", token: token)
                .expectProblem(.unprocessableContent, slug: "mixed-currencies", field: "currency")

            let response = try await client.get("/v1/analytics/breakdown?by=bookmaker&currency=EUR&\(AnalyticsFixture.week)", token: token)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect((body["period"] as? [String: Any])?["currency"] as? String == "EUR")
            #expect((body["period"] as? [String: Any])?["time_zone"] as? String == "Europe/Paris")
            let groups = try #require(body["groups"] as? [[String: Any]])
            #expect(groups.map { $0["key"] as? String } == ["bet365", "pinnacle"])
            let bet365 = try #require(groups[0]["figures"] as? [String: Any])
            #expect(bet365["bets"] as? Int == 2 && bet365["void_bets"] as? Int == 0)
            #expect(bet365["staked"] as? Int == 3_000 && bet365["profit"] as? Int == 1_900)
            #expect(close(bet365["yield"], 1_900.0 / 3_000) && close(bet365["hit_rate"], 0.75))
            #expect(close(bet365["average_odds"], 1.95) && close(bet365["average_clv"], 0.075) && close(bet365["beat_close_share"], 1))
            // Delta method by hand: R = 19/30; residuals 1000 − R·1000 and 900 − R·2000; SE = √(Σr²/2)/1500.
            let r = 1_900.0 / 3_000
            let se = ((pow(1_000 - r * 1_000, 2) + pow(900 - r * 2_000, 2)) / 2).squareRoot() / 1_500
            let ci = try #require(bet365["yield_ci"] as? [String: Any])
            #expect(close(ci["lower"], r - 1.959963984540054 * se) && close(ci["upper"], r + 1.959963984540054 * se))
            let pinnacle = try #require(groups[1]["figures"] as? [String: Any])
            #expect(pinnacle["bets"] as? Int == 2 && pinnacle["void_bets"] as? Int == 1)
            #expect(pinnacle["staked"] as? Int == 1_500 && pinnacle["profit"] as? Int == -1_000)
            #expect(close(pinnacle["hit_rate"], 0) && pinnacle["clv_bets"] as? Int == 1)
            let total = try #require(body["total"] as? [String: Any])
            #expect(total["staked"] as? Int == 4_500 && total["profit"] as? Int == 900 && total["bets"] as? Int == 4)

            // Local weekdays: the push at Sun 22:30Z is Monday 00:30 in Paris after the switch to summer time.
            let weekdays = try await client.get("/v1/analytics/breakdown?by=weekday&bankroll_id=\(f.euros)", token: token).json()
            let days = try #require(weekdays["groups"] as? [[String: Any]])
            #expect(days.map { $0["label"] as? String } == ["Monday", "Tuesday", "Friday", "Saturday", "Sunday"])
            let bands = try await client.get("/v1/analytics/breakdown?by=odds_band&currency=EUR", token: token).json()
            #expect((bands["groups"] as? [[String: Any]])?.map { $0["label"] as? String }
                == ["1.50-2.00", "2.00-2.50", "2.50-3.00", "3.00-5.00"])
            let pounds = try await client.get("/v1/analytics/breakdown?by=month&currency=GBP", token: token).json()
            #expect((pounds["groups"] as? [[String: Any]])?.first?["key"] as? String == "2026-03")

            try await client.get("/v1/analytics/breakdown?by=colour&currency=EUR", token: token).expectProblem(.badRequest)
            // A `to` before `from` is an empty window, as everywhere in the API.
            let empty = try await client.get(
                "/v1/analytics/breakdown?by=sport&currency=EUR&from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z", token: token)
            #expect(empty.status == .ok)
            #expect((try empty.json()["groups"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    /// The breakdown adds up to `/v1/bets/summary`; the heatmap counts the settled bets.
    @Test func consistencyWithSummaryAndHeatmapByHand() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let token = f.user.token
            let summary = try await client.get("/v1/bets/summary?currency=EUR", token: token).json()
            for by in ["bookmaker", "sport", "competition", "market", "agent", "source", "odds_band", "month", "weekday"] {
                let body = try await client.get("/v1/analytics/breakdown?by=\(by)&currency=EUR", token: token).json()
                let groups = try #require(body["groups"] as? [[String: Any]])
                let figures = groups.compactMap { $0["figures"] as? [String: Any] }
                #expect(figures.reduce(0) { $0 + ($1["staked"] as? Int ?? 0) } == summary["staked"] as? Int, "\(by)")
                #expect(figures.reduce(0) { $0 + ($1["profit"] as? Int ?? 0) } == summary["profit"] as? Int, "\(by)")
                #expect(figures.reduce(0) { $0 + ($1["bets"] as? Int ?? 0) } == summary["settled"] as? Int, "\(by)")
                #expect(figures.reduce(0) { $0 + ($1["void_bets"] as? Int ?? 0) } == summary["void"] as? Int, "\(by)")
                let total = try #require(body["total"] as? [String: Any])
                #expect(close(total["hit_rate"], (summary["hit_rate"] as? Double) ?? -1), "\(by)")
                #expect(close(total["average_odds"], (summary["average_odds"] as? Double) ?? -1), "\(by)")
                #expect(close(total["average_clv"], (summary["average_clv"] as? Double) ?? -1), "\(by)")
            }

            let heatmap = try await client.get("/v1/analytics/heatmap?currency=EUR", token: token)
            #expect(heatmap.status == .ok, "\(heatmap.text)")
            let cells = try #require(try heatmap.json()["cells"] as? [[String: Any]])
            #expect(cells.count == 168)
            #expect(cells.reduce(0) { $0 + ($1["bets"] as? Int ?? 0) } == summary["settled"] as? Int)
            let busy = cells.filter { ($0["bets"] as? Int ?? 0) > 0 }.map { [$0["weekday"] as? Int, $0["hour"] as? Int] }
            // Friday 11h and Saturday 23h at UTC+1; Sunday 10h and Monday 0h at UTC+2.
            #expect(busy == [[1, 0], [5, 11], [6, 23], [7, 10]])
            let sunday = try #require(cells.first { $0["weekday"] as? Int == 7 && $0["hour"] as? Int == 10 })
            #expect(sunday["staked"] as? Int == 2_000 && sunday["profit"] as? Int == 900 && close(sunday["yield"], 0.45))
            let kickoff = try await client.get("/v1/analytics/heatmap?by=kickoff&currency=EUR", token: token).json()
            #expect(kickoff["unplaced"] as? Int == 4)
        }
    }

    @Test func winRateAndCLVByHand() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let token = f.user.token
            let weeks = try await client.get("/v1/analytics/win-rate?period=week&currency=EUR", token: token)
            #expect(weeks.status == .ok, "\(weeks.text)")
            let points = try #require(try weeks.json()["points"] as? [[String: Any]])
            #expect(points.map { $0["start"] as? String } == ["2026-03-23", "2026-03-30"])
            #expect(points[0]["bets"] as? Int == 3 && close(points[0]["hit_rate"], 0.5))
            #expect(close(points[0]["expected_hit_rate"], 0.45) && close(points[0]["yield"], 900.0 / 4_000))
            #expect(points[1]["bets"] as? Int == 1 && points[1]["hit_rate"] == nil && close(points[1]["yield"], 0))
            let days = try await client.get("/v1/analytics/win-rate?period=day&bankroll_id=\(f.euros)", token: token).json()
            #expect((days["points"] as? [[String: Any]])?.map { $0["start"] as? String }
                == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"])

            let clv = try await client.get("/v1/analytics/clv?currency=EUR", token: token)
            #expect(clv.status == .ok, "\(clv.text)")
            let body = try clv.json()
            #expect(body["bets"] as? Int == 3 && close(body["mean"], 0.13 / 3) && close(body["beat_close_share"], 2.0 / 3))
            let variance = (0.05 * 0.05 + 0.02 * 0.02 + 0.1 * 0.1 - 3 * pow(0.13 / 3, 2)) / 2
            let half = 1.959963984540054 * (variance / 3).squareRoot()
            let ci = try #require(body["mean_ci"] as? [String: Any])
            #expect(close(ci["lower"], 0.13 / 3 - half) && close(ci["upper"], 0.13 / 3 + half))
            let bins = try #require(body["histogram"] as? [[String: Any]])
            #expect(bins.count == 22)
            #expect(bins.filter { ($0["bets"] as? Int ?? 0) > 0 }.map { $0["label"] as? String } == ["-2%-0%", "4%-6%", "10%-12%"])
            let buckets = try #require(body["by_clv"] as? [[String: Any]])
            #expect(buckets.map { $0["bets"] as? Int } == [0, 1, 0, 1, 1])
            #expect(buckets[3]["profit"] as? Int == 1_000 && close(buckets[3]["yield"], 1) && close(buckets[4]["yield"], 0.45))
        }
    }

    /// Deposits, withdrawals and corrections at known times, one-day intervals in Paris; the last entry is on
    /// Monday 30 local although it is Sunday 29 in UTC.
    @Test func bankrollCurveByHand() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let curve = try #require(UUID(uuidString: try await f.fixture.bankrollID(f.user, name: "Curve", initial: 0)))
            var balance: Int64 = 0
            for (at, kind, amount) in [
                ("2026-03-25T09:00:00Z", "deposit", 10_000), ("2026-03-27T10:30:00Z", "withdrawal", -1_000),
                ("2026-03-27T12:30:00Z", "correction", 2_000), ("2026-03-28T22:15:00Z", "withdrawal", -3_000),
                ("2026-03-29T22:30:00Z", "correction", -500),
            ] as [(String, String, Int64)] {
                balance += amount
                try await app.services.database.query(
                    """
                    INSERT INTO bankroll_entries (bankroll_id, kind, amount, balance_after, caused_by, created_at)
                    VALUES (\(curve), \(kind), \(amount), \(balance), 'user', \(AnalyticsFixture.date(at)))
                    """)
            }
            let response = try await client.get(
                "/v1/analytics/bankroll-curve?bankroll_id=\(curve)&from=2026-03-27T00:00:00Z", token: f.user.token)
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["opening"] as? Int == 10_000 && body["max_drawdown"] as? Int == 3_500)
            #expect(close(body["max_drawdown_share"], 3_500.0 / 11_000))
            let points = try #require(body["points"] as? [[String: Any]])
            #expect(points.map { $0["start"] as? String } == ["2026-03-27", "2026-03-28", "2026-03-30"])
            #expect(points.map { $0["closing"] as? Int } == [11_000, 8_000, 7_500])
            #expect(points.map { $0["peak"] as? Int } == [11_000, 11_000, 11_000])
            #expect(points.map { $0["drawdown"] as? Int } == [0, 3_000, 3_500])
            #expect(points[0]["deposits"] as? Int == -1_000 && points[0]["corrections"] as? Int == 2_000)
            let weeks = try await client.get("/v1/analytics/bankroll-curve?bankroll_id=\(curve)&interval=week", token: f.user.token).json()
            #expect((weeks["points"] as? [[String: Any]])?.map { $0["closing"] as? Int } == [8_000, 7_500])
            // All EUR bankrolls together: the Main bankroll's 100 000 deposit is added (bets inserted here have no ledger).
            try await client.get("/v1/analytics/bankroll-curve", token: f.user.token).expectProblem(.unprocessableContent)
            let euros = try await client.get("/v1/analytics/bankroll-curve?currency=EUR", token: f.user.token).json()
            #expect((euros["points"] as? [[String: Any]])?.last?["closing"] as? Int == 107_500)
        }
    }

    /// Another user's bankroll is a 404 and their bets never show up; scopes are enforced.
    @Test func otherUsersDataNeverAppears() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let bob = try await f.fixture.user()
            for path in ["breakdown?by=sport&", "heatmap?", "win-rate?", "clv?", "bankroll-curve?"] {
                try await client.get("/v1/analytics/\(path)bankroll_id=\(f.euros)", token: bob.token)
                    .expectProblem(.notFound)
            }
            let empty = try await client.get("/v1/analytics/breakdown?by=sport", token: bob.token).json()
            #expect((empty["groups"] as? [Any])?.isEmpty == true && (empty["total"] as? [String: Any])?["bets"] as? Int == 0)
            let heat = try await client.get("/v1/analytics/heatmap", token: bob.token).json()
            #expect((heat["cells"] as? [[String: Any]])?.allSatisfy { $0["bets"] as? Int == 0 } == true)
            let export = try await client.get("/v1/bets/export", token: bob.token)
            #expect(export.status == .ok && export.text.components(separatedBy: "\r\n").count == 2)
            try await client.get("/v1/bankrolls/\(f.euros)/transactions/export", token: bob.token).expectProblem(.notFound)
            try await client.get("/v1/analytics/clv").expectProblem(.unauthorized)
            try await client.get("/v1/admin/analytics", token: bob.token).expectProblem(.forbidden)
        }
    }
}
