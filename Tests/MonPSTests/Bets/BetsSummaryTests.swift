import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Bets summary: performance of settled bets and open exposure", .hangGuard)
struct BetsSummaryTests {
    /// Inserts a bet as settlement would have left it (the summary reads bets only, not the ledger).
    static func insert(
        _ database: Database, user: UUID, bankroll: UUID, status: String, stake: Int64, odds: Double, payout: Int64?,
        clv: Double? = nil, daysAgo: Double = 1
    ) async throws {
        let placed = Date().addingTimeInterval(-daysAgo * 86_400)
        let settled: Date? = status == "pending" || status == "cancelled" ? nil : placed.addingTimeInterval(7_200)
        let profit = payout.map { $0 - stake }
        try await database.query(
            """
            INSERT INTO bets (user_id, bankroll_id, event_description, sport_key, market, selection, bookmaker, odds, stake,
                              potential_return, placed_at, status, settled_at, payout, profit, clv, beat_close)
            VALUES (\(user), \(bankroll), 'Summary FC v Test', 'soccer_epl', 'h2h', 'home', 'bet365', \(odds), \(stake),
                    \(stake * 10), \(placed), \(status), \(settled), \(settled == nil ? nil : payout), \(settled == nil ? nil : profit),
                    \(clv), \(clv.map { $0 > 0 }))
            """)
    }

    /// Last 30 days: won 1000 @ 2.0 (CLV +5%), lost 1000 @ 3.0 (CLV −2%), half-won 2000 @ 1.9 → 2900 (CLV +10%),
    /// push 500 @ 2.5, void 700 @ 1.5, a cancelled bet, a pending 1500; and a won 1000 @ 2.0 placed 60 days ago.
    /// 30d: staked 4500, returned 5400, profit 900, yield 0.2, ROI 900/100 000, hit rate (1 + 0 + 0.5)/3,
    /// average odds 9.4/4 = 2.35, average CLV 0.13/3, beat-close 2/3, open exposure 1500.
    @Test func handComputedFigures() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(alice, initial: 100_000)))
            let db = app.services.database
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "won", stake: 1_000, odds: 2.0, payout: 2_000, clv: 0.05)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "lost", stake: 1_000, odds: 3.0, payout: 0, clv: -0.02)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "half_won", stake: 2_000, odds: 1.9, payout: 2_900, clv: 0.10)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "push", stake: 500, odds: 2.5, payout: 500)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "void", stake: 700, odds: 1.5, payout: 700)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "cancelled", stake: 9_000, odds: 1.5, payout: nil)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "pending", stake: 1_500, odds: 2.0, payout: nil)
            try await Self.insert(db, user: alice.id, bankroll: bankroll, status: "won", stake: 1_000, odds: 2.0, payout: 2_000, daysAgo: 60)

            let month = try await client.get("/v1/bets/summary?range=30d", token: alice.token)
            #expect(month.status == .ok, "\(month.text)")
            let summary = try month.json()
            #expect(summary["currency"] as? String == "EUR")
            #expect(summary["bets"] as? Int == 6)
            #expect(summary["settled"] as? Int == 4)
            #expect(summary["void"] as? Int == 1)
            #expect(summary["pending"] as? Int == 1)
            #expect(summary["staked"] as? Int == 4_500)
            #expect(summary["returned"] as? Int == 5_400)
            #expect(summary["profit"] as? Int == 900)
            #expect(abs((summary["yield"] as? Double ?? 0) - 0.2) < 1e-12)
            #expect(abs((summary["roi"] as? Double ?? 0) - 0.009) < 1e-12)
            #expect(abs((summary["hit_rate"] as? Double ?? 0) - 0.5) < 1e-12)
            #expect(abs((summary["average_odds"] as? Double ?? 0) - 2.35) < 1e-12)
            #expect(abs((summary["average_clv"] as? Double ?? 0) - 0.13 / 3) < 1e-12)
            #expect(abs((summary["beat_close_share"] as? Double ?? 0) - 2.0 / 3) < 1e-12)
            #expect(summary["clv_count"] as? Int == 3)
            #expect(summary["open_exposure"] as? Int == 1_500)
            let outcomes = try #require(summary["outcomes"] as? [String: Int])
            #expect(outcomes == ["won": 1, "lost": 1, "half_won": 1, "push": 1, "void": 1])
            #expect(summary["from"] is String)

            // Everything: the older win adds 1000 staked, 2000 returned.
            let all = try await client.get("/v1/bets/summary", token: alice.token).json()
            #expect(all["staked"] as? Int == 5_500)
            #expect(all["returned"] as? Int == 7_400)
            #expect(all["profit"] as? Int == 1_900)
            #expect(abs((all["hit_rate"] as? Double ?? 0) - 2.5 / 4) < 1e-12)
            #expect(all["from"] == nil)
            #expect(try await client.get("/v1/bets/summary?range=90d", token: alice.token).json()["staked"] as? Int == 5_500)
            // A week ago nothing but the open exposure (pending bets count whatever the period).
            let week = try await client.get("/v1/bets/summary?range=7d", token: alice.token).json()
            #expect(week["staked"] as? Int == 4_500)
            let old = try await client.get(
                "/v1/bets/summary?from=2000-01-01T00:00:00Z&to=\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-30 * 86_400)))",
                token: alice.token).json()
            #expect(old["staked"] as? Int == 1_000)
            #expect(old["settled"] as? Int == 1)
            #expect(old["pending"] as? Int == 0)
            #expect(old["open_exposure"] as? Int == 1_500)
            #expect(old["yield"] as? Double == 1.0)

            // No bets: zeros and absent ratios.
            let bob = try await fixture.user()
            let empty = try await client.get("/v1/bets/summary", token: bob.token).json()
            #expect(empty["bets"] as? Int == 0 && empty["staked"] as? Int == 0 && empty["yield"] == nil && empty["currency"] == nil)

            // Currencies are never added up.
            let pounds = try #require(UUID(uuidString: try await fixture.bankrollID(alice, name: "Pounds", currency: "GBP", initial: 5_000)))
            try await Self.insert(db, user: alice.id, bankroll: pounds, status: "won", stake: 100, odds: 3.0, payout: 300)
            try await client.get("/v1/bets/summary", token: alice.token).expectProblem(.unprocessableContent, slug: "mixed-currencies", field: "currency")
            let eur = try await client.get("/v1/bets/summary?currency=EUR&range=30d", token: alice.token).json()
            #expect(eur["staked"] as? Int == 4_500)
            let gbp = try await client.get("/v1/bets/summary?bankroll_id=\(pounds.uuidString)", token: alice.token).json()
            #expect(gbp["currency"] as? String == "GBP" && gbp["profit"] as? Int == 200)
            #expect(abs((gbp["roi"] as? Double ?? 0) - 0.04) < 1e-12)

            try await client.get("/v1/bets/summary?range=1y", token: alice.token).expectProblem(.badRequest)
            // An inverted window is empty (the contract's rule for every window), not an error.
            let inverted = try await client.get("/v1/bets/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", token: alice.token)
            #expect(inverted.status == .ok)
            #expect(try inverted.json()["bets"] as? Int == 0)
            try await client.get("/v1/bets/summary?currency=euro", token: alice.token).expectProblem(.badRequest)
        }
    }
}
