import Foundation
import Logging
import MonPSCore

/// The demo bettor's bankroll and bets: flat stakes on demo events at the best price available six hours
/// before the start, settled from the demo results with their CLV, plus a few pending bets on coming events,
/// so the quick start shows a P&L. Created once: an existing "Demo bankroll" is left as it is.
struct DemoBets {
    let database: Database
    let logger: Logger
    let audit: AuditLog

    static let bankrollName = "Demo bankroll"
    static let stake: Int64 = 2_500  // 25.00 EUR

    func seed(for email: String) async throws -> String {
        guard let user = try await database.query(
            "SELECT id FROM users WHERE email_normalized = \(email.lowercased()) AND status = 'active'").first?.decode(UUID.self)
        else { return "demo bets: no demo user" }
        if try await database.query(
            "SELECT 1 FROM bankrolls WHERE user_id = \(user) AND name = \(Self.bankrollName)").first != nil {
            return "demo bets: already present"
        }
        let bankroll = try await PostgresBankrollRepository(database: database, audit: audit)
            .create(owner: user, name: Self.bankrollName, currency: "EUR", initialAmount: 100_000)
        try await database.query(
            """
            INSERT INTO user_settings (user_id, default_bankroll_id) VALUES (\(user), \(bankroll.id))
            ON CONFLICT (user_id) DO UPDATE SET default_bankroll_id = excluded.default_bankroll_id
            """)
        // Every third demo event: the best real-bookmaker price of the home side 6 hours before the start.
        let picks = try await database.query(
            """
            SELECT DISTINCT ON (e.id) e.id, k.key, s.price
            FROM events e JOIN event_external_ids x ON x.event_id = e.id AND x.source = 'demo'
            JOIN odds_snapshots s ON s.event_id = e.id AND s.market = 'h2h' AND s.outcome = 'home'
                 AND s.captured_at BETWEEN e.starts_at - interval '7 hours' AND e.starts_at - interval '5 hours'
            JOIN bookmakers k ON k.id = s.bookmaker_id AND NOT k.aggregate
            WHERE e.id % 3 = 0 AND e.starts_at <= now()
            ORDER BY e.id, s.price DESC, k.key
            """
        ).map { try $0.decode((Int64, String, Double).self) }
        // And a few open bets on coming events, at today's best price.
        let open = try await database.query(
            """
            SELECT DISTINCT ON (e.id) e.id, k.key, l.price
            FROM events e JOIN event_external_ids x ON x.event_id = e.id AND x.source = 'demo'
            JOIN latest_odds l ON l.event_id = e.id AND l.market = 'h2h' AND l.outcome = 'home'
            JOIN bookmakers k ON k.id = l.bookmaker_id AND NOT k.aggregate
            WHERE e.starts_at > now() ORDER BY e.id, l.price DESC, k.key LIMIT 5
            """
        ).map { try $0.decode((Int64, String, Double).self) }
        let settlement = BetSettlement(database: database, logger: logger)
        var placed = 0
        for (event, bookmaker, price) in picks + open {
            let id = try await database.bettingTransaction { sql in
                var locked = try await Ledger.lock(bankroll.id, owner: user, on: sql)
                guard locked.balance >= Self.stake else { return UUID?.none }
                let rows = try await sql.query(
                    """
                    INSERT INTO bets (user_id, bankroll_id, event_id, sport_key, competition, market, selection, bookmaker,
                                      odds, stake, potential_return, placed_at, tags, notes)
                    SELECT \(user), \(bankroll.id), e.id, e.sport_key, c.name, 'h2h', 'home', \(bookmaker), \(price)::numeric,
                           \(Self.stake), \(try Money.payout(stake: Self.stake, decimalOdds: price)),
                           least(e.starts_at - interval '6 hours', now()), ARRAY['demo'], 'demo bet'
                    FROM events e LEFT JOIN competitions c ON c.id = e.competition_id WHERE e.id = \(event)
                    RETURNING id
                    """)
                guard let id = try rows.first?.decode(UUID.self) else { return UUID?.none }
                _ = try await Ledger.post(
                    LedgerPosting(kind: .stake, amount: -Self.stake, betID: id, cause: .bet, note: nil, createdBy: user),
                    to: &locked, on: sql)
                return id
            }
            if let id {
                placed += 1
                _ = try await settlement.settle(id)
            }
        }
        let clv = ClosingLineValueJob(database: database, schedule: { .seconds(3600) })
        var withCLV = 0
        for candidate in try await clv.pending(after: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))) {
            if try await clv.fill(candidate) { withCLV += 1 }
        }
        let (settledCount, profit) = try await database.query(
            "SELECT count(*) FILTER (WHERE status <> 'pending'), coalesce(sum(profit), 0)::int8 FROM bets WHERE user_id = \(user)"
        ).first?.decode((Int, Int64).self) ?? (0, Int64(0))
        return "demo bets: \(placed) placed (\(settledCount) settled, \(withCLV) with CLV), profit \(profit) cents (GET /v1/bets/summary)"
    }
}
