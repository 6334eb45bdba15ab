import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// The demo bettor's bankroll and bets: flat stakes on demo events at the best price available six hours
/// before the start, settled from the demo results with their CLV, plus a few pending bets on coming events,
/// so the quick start shows a P&L. Created once: an existing "Demo bankroll" is left as it is.
struct DemoBets {
    let database: Database
    let logger: Logger
    let audit: AuditLog
    let now: @Sendable () -> Date

    static let bankrollName = "Demo bankroll"
    static let stake: Int64 = 2_500  // 25.00 EUR

    /// A demo bet to place: (event, sport, competition, placed at, bookmaker, price).
    private static func pick(_ row: PostgresRow) throws -> (Int64, String, String?, Date, String, Double) {
        let read = RowReader(row)
        return (
            try read("id"), try read("sport_key"), try read("competition"), try read("placed_at"), try read("bookmaker"),
            try read("price"))
    }

    func seed(for email: String) async throws -> String {
        guard let user = try await database.query(
            "SELECT id FROM users WHERE email_normalized = \(email.lowercased()) AND status = 'active'").first?.decode(UUID.self)
        else { return "demo bets: no demo user" }
        if try await database.query(
            "SELECT 1 FROM bankrolls WHERE user_id = \(user) AND name = \(Self.bankrollName)").first != nil {
            return "demo bets: already present"
        }
        let bankroll = try await BankrollService(repository: PostgresBankrollRepository(database: database, audit: audit))
            .create(owner: user, name: Self.bankrollName, currency: "EUR", initialAmount: 100_000)
        try await database.query(
            """
            INSERT INTO user_settings (user_id, default_bankroll_id) VALUES (\(user), \(bankroll.id))
            ON CONFLICT (user_id) DO UPDATE SET default_bankroll_id = excluded.default_bankroll_id
            """)
        // Every third finished demo event (one under way today would stay pending): the best real-bookmaker price of the home side 6 hours before the start.
        let picks = try await database.query(
            """
            SELECT DISTINCT ON (e.id) e.id, e.sport_key, c.name AS competition, e.starts_at - interval '6 hours' AS placed_at,
                   k.key AS bookmaker, s.price
            FROM events e JOIN event_external_ids x ON x.event_id = e.id AND x.source = 'demo'
            LEFT JOIN competitions c ON c.id = e.competition_id
            JOIN odds_snapshots s ON s.event_id = e.id AND s.market = 'h2h' AND s.outcome = 'home'
                 AND s.captured_at BETWEEN e.starts_at - interval '7 hours' AND e.starts_at - interval '5 hours'
            JOIN bookmakers k ON k.id = s.bookmaker_id AND NOT k.aggregate
            WHERE e.id % 3 = 0 AND e.starts_at <= now()
              AND EXISTS (SELECT 1 FROM event_results r WHERE r.event_id = e.id)  -- finished: settled at once
            ORDER BY e.id, s.price DESC, k.key
            """
        ).map(Self.pick)
        // And a few open bets on coming events, at today's best price.
        let open = try await database.query(
            """
            SELECT DISTINCT ON (e.id) e.id, e.sport_key, c.name AS competition, now() AS placed_at, k.key AS bookmaker, l.price
            FROM events e JOIN event_external_ids x ON x.event_id = e.id AND x.source = 'demo'
            LEFT JOIN competitions c ON c.id = e.competition_id
            JOIN latest_odds l ON l.event_id = e.id AND l.market = 'h2h' AND l.outcome = 'home'
            JOIN bookmakers k ON k.id = l.bookmaker_id AND NOT k.aggregate
            WHERE e.starts_at > now() ORDER BY e.id, l.price DESC, k.key LIMIT 5
            """
        ).map(Self.pick)
        let settlement = BetSettlement(database: database, logger: logger)
        let bets = PostgresBetRepository(database: database, audit: audit)
        var placed = 0
        for (event, sport, competition, placedAt, bookmaker, price) in picks + open {
            let line = BetLine(stored: .h2h, selection: .home, point: nil)
            let bet = NewBet(
                userID: user, bankrollID: bankroll.id, eventID: event, eventDescription: nil, sportKey: sport,
                competition: competition, line: line, bookmaker: bookmaker, odds: price, stake: Self.stake,
                potentialReturn: try Money.payout(stake: Self.stake, decimalOdds: price), fairProbability: nil,
                edgeAtPlacement: nil, suggestedKellyFraction: nil, tags: ["demo"], notes: "demo bet", isLive: false,
                placedAt: placedAt)
            do {
                let record = try await bets.create(bet, admit: StakeRules.placing(bet.stake), context: .none)
                placed += 1
                _ = try await settlement.settle(record.id, now: now())
            } catch BettingError.insufficientFunds {
                break
            }
        }
        let clv = ClosingLineValueJob(database: database, schedule: { .seconds(3600) })
        var withCLV = 0
        for candidate in try await clv.pending() {
            if try await clv.fill(candidate) { withCLV += 1 }
        }
        let (settledCount, profit) = try await database.query(
            """
            SELECT count(*) FILTER (WHERE status <> 'pending')::int AS settled, coalesce(sum(profit), 0)::int8 AS profit
            FROM bets WHERE user_id = \(user)
            """
        ).first.map { row in
            let read = RowReader(row)
            return (try read("settled", Int.self), try read("profit", Int64.self))
        } ?? (0, Int64(0))
        return "demo bets: \(placed) placed (\(settledCount) settled, \(withCLV) with CLV), profit \(profit) cents (GET /v1/bets/summary)"
    }
}
