import Foundation
import PostgresNIO

extension PostgresBetRepository {
    /// Bets of the scope are the owner's, never cancelled, in the bankroll and/or currency asked for. Settled figures
    /// cover the period (on `placed_at`); pending exposure is of now, whatever the period.
    func summary(owner: UUID, scope: SummaryScope) async throws -> SummaryData {
        let (bankroll, currency, from, to) = (scope.bankrollID, scope.currency, scope.from, scope.to)
        async let currencies = database.query(
            """
            SELECT DISTINCT r.currency FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE b.user_id = \(owner) AND b.status <> 'cancelled'
              AND (\(bankroll)::uuid IS NULL OR b.bankroll_id = \(bankroll))
              AND (\(currency)::text IS NULL OR r.currency = \(currency))
              AND (b.status = 'pending' OR ((\(from)::timestamptz IS NULL OR b.placed_at >= \(from))
                                            AND (\(to)::timestamptz IS NULL OR b.placed_at < \(to))))
            ORDER BY 1
            """)
        async let settled = database.query(
            """
            SELECT b.status, b.stake, b.odds::float8 AS odds, b.payout, b.placed_at, b.clv::float8 AS clv
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE b.user_id = \(owner) AND b.status NOT IN ('pending', 'cancelled')
              AND (\(bankroll)::uuid IS NULL OR b.bankroll_id = \(bankroll))
              AND (\(currency)::text IS NULL OR r.currency = \(currency))
              AND (\(from)::timestamptz IS NULL OR b.placed_at >= \(from))
              AND (\(to)::timestamptz IS NULL OR b.placed_at < \(to))
            ORDER BY b.placed_at, b.id
            """)
        async let counts = database.query(
            """
            SELECT count(*) FILTER (WHERE (\(from)::timestamptz IS NULL OR b.placed_at >= \(from))
                                      AND (\(to)::timestamptz IS NULL OR b.placed_at < \(to)))::int8 AS placed,
                   count(*) FILTER (WHERE b.status = 'pending' AND (\(from)::timestamptz IS NULL OR b.placed_at >= \(from))
                                      AND (\(to)::timestamptz IS NULL OR b.placed_at < \(to)))::int8 AS pending,
                   COALESCE(sum(b.stake) FILTER (WHERE b.status = 'pending'), 0)::int8 AS exposure
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE b.user_id = \(owner) AND b.status <> 'cancelled'
              AND (\(bankroll)::uuid IS NULL OR b.bankroll_id = \(bankroll))
              AND (\(currency)::text IS NULL OR r.currency = \(currency))
            """)
        async let initial = database.query(
            """
            SELECT COALESCE(sum(initial_amount), 0)::int8 FROM bankrolls r
            WHERE r.user_id = \(owner) AND (\(bankroll)::uuid IS NULL OR r.id = \(bankroll))
              AND (\(currency)::text IS NULL OR r.currency = \(currency))
            """)

        let rows = try await settled.map { row in
            let read = RowReader(row)
            return SummaryBetRow(
                status: try read("status"), stake: try read("stake"), odds: try read("odds"),
                payout: try read("payout", Int64?.self) ?? 0, placedAt: try read("placed_at"), clv: try read("clv"))
        }
        guard let countRow = try await counts.first else { throw StorageInvariantError.noRowReturned }
        let counted = RowReader(countRow)
        return SummaryData(
            currencies: try await currencies.map { try $0.decode(String.self) }, settled: rows,
            placed: Int(try counted("placed", Int64.self)), pending: Int(try counted("pending", Int64.self)),
            openExposure: try counted("exposure"),
            initialAmounts: try await initial.first?.decode(Int64.self) ?? 0)
    }
}
