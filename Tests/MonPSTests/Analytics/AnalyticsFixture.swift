import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// A week across the switch to summer time in Paris (Sunday 29 March 2026, 01:00 UTC: UTC+1 → UTC+2), one user in
/// that zone with a EUR bankroll of five settled bets and a GBP bankroll of one: figures computed by hand in the tests.
///
///  1. Fri 27 10:30Z (11:30 local) won      1000 @ 2.0 → 2000, CLV +0.05, p 0.55, bet365
///  2. Sat 28 22:15Z (23:15 local) lost     1000 @ 3.0 → 0,    CLV −0.02, p 0.30, pinnacle
///  3. Sun 29 08:00Z (10:00 local) half_won 2000 @ 1.9 → 2900, CLV +0.10, p 0.50, bet365
///  4. Sun 29 22:30Z (Mon 30 00:30 local) push 500 @ 2.5 → 500, no CLV, pinnacle
///  5. Tue 31 06:00Z (08:00 local) void      700 @ 1.5 → 700, pinnacle
///  6. GBP: Sun 29 12:00Z won 100 @ 3.0 → 300, bet365
struct AnalyticsFixture {
    let fixture: BettingFixture
    let user: BettingFixture.User
    let euros: UUID
    let pounds: UUID

    static let week = "from=2026-03-23T00:00:00Z&to=2026-04-06T00:00:00Z"

    static func make(_ app: TestApp, _ client: any TestClientProtocol) async throws -> AnalyticsFixture {
        let fixture = BettingFixture(app: app, client: client)
        let user = try await fixture.user()
        let settings = try await client.postJSON("/v1/settings", #"{"time_zone":"Europe/Paris"}"#, token: user.token, method: .put)
        #expect(settings.status == .ok, "\(settings.text)")
        let euros = try #require(UUID(uuidString: try await fixture.bankrollID(user, initial: 100_000)))
        let pounds = try #require(UUID(uuidString: try await fixture.bankrollID(user, name: "Pounds", currency: "GBP", initial: 5_000)))
        let db = app.services.database
        for (bankroll, placed, status, stake, odds, payout, clv, probability, bookmaker) in [
            (euros, "2026-03-27T10:30:00Z", "won", 1_000, 2.0, 2_000, 0.05, 0.55, "bet365"),
            (euros, "2026-03-28T22:15:00Z", "lost", 1_000, 3.0, 0, -0.02, 0.30, "pinnacle"),
            (euros, "2026-03-29T08:00:00Z", "half_won", 2_000, 1.9, 2_900, 0.10, 0.50, "bet365"),
            (euros, "2026-03-29T22:30:00Z", "push", 500, 2.5, 500, nil, nil, "pinnacle"),
            (euros, "2026-03-31T06:00:00Z", "void", 700, 1.5, 700, nil, nil, "pinnacle"),
            (pounds, "2026-03-29T12:00:00Z", "won", 100, 3.0, 300, nil, nil, "bet365"),
        ] as [(UUID, String, String, Int64, Double, Int64, Double?, Double?, String)] {
            try await insertBet(
                db, user: user.id, bankroll: bankroll, placed: placed, status: status, stake: stake, odds: odds, payout: payout,
                clv: clv, probability: probability, bookmaker: bookmaker)
        }
        return AnalyticsFixture(fixture: fixture, user: user, euros: euros, pounds: pounds)
    }

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// A bet as settlement leaves it (the analytics read bets, not the ledger).
    static func insertBet(
        _ db: Database, user: UUID, bankroll: UUID, placed: String, status: String, stake: Int64, odds: Double, payout: Int64,
        clv: Double? = nil, probability: Double? = nil, bookmaker: String = "bet365"
    ) async throws {
        let at = date(placed)
        try await db.query(
            """
            INSERT INTO bets (user_id, bankroll_id, event_description, sport_key, market, selection, bookmaker, odds, stake,
                              potential_return, placed_at, status, settled_at, payout, profit, clv, beat_close, fair_probability)
            VALUES (\(user), \(bankroll), 'Analytics FC v Test', 'soccer_epl', 'h2h', 'home', \(bookmaker), \(odds), \(stake),
                    \(stake * 10), \(at), \(status), \(at.addingTimeInterval(7_200)), \(payout), \(payout - stake), \(clv),
                    \(clv.map { $0 > 0 }), \(probability))
            """)
    }
}

extension TestResponse {
    func number(_ key: String) throws -> Double { try #require((try json()[key] as? NSNumber)?.doubleValue) }
}

func close(_ a: Any?, _ b: Double) -> Bool { ((a as? NSNumber)?.doubleValue).map { abs($0 - b) < 1e-9 } ?? false }
