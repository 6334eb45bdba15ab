import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

/// The analytics read `bet_facts` (migration 0017), kept by a trigger on `bets`: every way a bet changes — placed,
/// settled, corrected, cancelled, deleted — shows in the analytics answers at once, and they stay equal to
/// `/v1/bets/summary`.
@Suite("Analytics facts follow every change of a bet", .hangGuard)
struct AnalyticsFactsTests {
    struct Figures: Equatable {
        var bets = 0, voids = 0, staked = 0, profit = 0, heatmapBets = 0, clvBets = 0
    }

    static func figures(_ client: any TestClientProtocol, token: String, bankroll: String) async throws -> Figures {
        let breakdown = try await client.get("/v1/analytics/breakdown?by=bookmaker&bankroll_id=\(bankroll)", token: token)
        #expect(breakdown.status == .ok, "\(breakdown.text)")
        let total = try #require(try breakdown.json()["total"] as? [String: Any])
        let cells = try #require(try await client.get("/v1/analytics/heatmap?bankroll_id=\(bankroll)", token: token).json()["cells"]
            as? [[String: Any]])
        let clv = try await client.get("/v1/analytics/clv?bankroll_id=\(bankroll)", token: token).json()
        let figures = Figures(
            bets: total["bets"] as? Int ?? -1, voids: total["void_bets"] as? Int ?? -1, staked: total["staked"] as? Int ?? -1,
            profit: total["profit"] as? Int ?? -1, heatmapBets: cells.reduce(0) { $0 + ($1["bets"] as? Int ?? 0) },
            clvBets: clv["bets"] as? Int ?? -1)
        // Always what the summary says.
        let summary = try await client.get("/v1/bets/summary?bankroll_id=\(bankroll)", token: token).json()
        #expect(summary["settled"] as? Int == figures.bets && summary["void"] as? Int == figures.voids)
        #expect(summary["staked"] as? Int == figures.staked && summary["profit"] as? Int == figures.profit)
        return figures
    }

    @Test func placeSettleCorrectCancelDelete() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let token = user.token
            let bankroll = try await fixture.bankrollID(user, initial: 100_000)
            func place(_ odds: Double, _ stake: Int) async throws -> String {
                let placed = try await fixture.placeBet(user, """
                    "event_description":"Facts FC v Test","sport":"soccer_epl","market":"h2h","selection":"home",
                    "bookmaker":"bet365","odds":\(odds),"stake":\(stake),"bankroll_id":"\(bankroll)"
                    """)
                #expect(placed.status == .created, "\(placed.text)")
                return try #require(try placed.json()["id"] as? String)
            }
            func settle(_ id: String, _ status: String) async throws {
                let settled = try await client.postJSON("/v1/bets/\(id)/settle", #"{"status":"\#(status)"}"#, token: token)
                #expect(settled.status == .ok, "\(settled.text)")
            }
            #expect(try await Self.figures(client, token: token, bankroll: bankroll) == Figures())

            // Placed: pending bets are not in the analytics.
            let first = try await place(2.0, 1_000)
            let second = try await place(3.0, 500)
            let third = try await place(1.5, 700)
            #expect(try await Self.figures(client, token: token, bankroll: bankroll) == Figures())

            // Settled: won 1000 @ 2.0 (+1000), lost 500 (−500).
            try await settle(first, "won")
            try await settle(second, "lost")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 2, staked: 1_500, profit: 500, heatmapBets: 2))

            // Corrected: the win becomes half lost (payout 500, profit −500), the loss a void (out of every figure but
            // the void count).
            try await settle(first, "half_lost")
            try await settle(second, "void")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 1, voids: 1, staked: 1_000, profit: -500, heatmapBets: 1))

            // The closing-line job records a CLV on a settled bet.
            let db = app.services.database
            try await db.query("UPDATE bets SET clv = 0.04, beat_close = true WHERE id = \(UUID(uuidString: first)!)")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll).clvBets == 1)

            // Cancelled: a pending bet never counted; cancelling it changes nothing.
            let cancelled = try await fixture.delete("/v1/bets/\(third)", token: token)
            #expect(try cancelled.status == .ok && cancelled.json()["status"] as? String == "cancelled")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 1, voids: 1, staked: 1_000, profit: -500, heatmapBets: 1, clvBets: 1))

            // A settled bet forced back to cancelled (SQL, as a data fix would) leaves the facts.
            try await db.query("UPDATE bets SET status = 'cancelled' WHERE id = \(UUID(uuidString: second)!)")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 1, staked: 1_000, profit: -500, heatmapBets: 1, clvBets: 1))

            // A settled bet written straight into the table (an import) counts; deleted, it is gone.
            let owned = UUID(uuidString: bankroll)!
            try await AnalyticsFixture.insertBet(
                db, user: user.id, bankroll: owned, placed: "2026-03-27T10:30:00Z", status: "won", stake: 300, odds: 2.0,
                payout: 600, clv: -0.01)
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 2, staked: 1_300, profit: -200, heatmapBets: 2, clvBets: 2))
            try await db.query("DELETE FROM bets WHERE bankroll_id = \(owned) AND stake = 300")
            #expect(try await Self.figures(client, token: token, bankroll: bankroll)
                == Figures(bets: 1, staked: 1_000, profit: -500, heatmapBets: 1, clvBets: 1))

            // Every settled bet has exactly one fact row with its current figures; no other bet has one.
            let mismatches = try await db.query(
                """
                SELECT count(*) FROM bets b FULL JOIN bet_facts f ON f.bet_id = b.id
                WHERE (b.user_id = \(user.id) OR f.user_id = \(user.id))
                  AND (b.id IS NOT NULL AND b.status NOT IN ('pending', 'cancelled')) IS DISTINCT FROM (f.bet_id IS NOT NULL)
                """)
            #expect(try mismatches.first?.decode(Int64.self) == 0)
            let facts = try await db.query("SELECT stake, profit, hit, clv FROM bet_facts WHERE user_id = \(user.id)")
            #expect(facts.count == 1)
            let row = try #require(facts.first).makeRandomAccess()
            #expect(try row["stake"].decode(Int64.self) == 1_000 && row["profit"].decode(Int64.self) == -500)
            #expect(try row["hit"].decode(Double.self) == 0 && row["clv"].decode(Double.self) == 0.04)

            // Unsettled again by a data fix: gone from the analytics.
            try await db.query("UPDATE bets SET status = 'pending', settled_at = NULL, payout = NULL, profit = NULL WHERE id = \(UUID(uuidString: first)!)")
            let empty = try await client.get("/v1/analytics/breakdown?by=bookmaker&bankroll_id=\(bankroll)", token: token).json()
            #expect((empty["groups"] as? [Any])?.isEmpty == true)
        }
    }
}
