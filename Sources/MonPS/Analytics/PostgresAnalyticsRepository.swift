import Foundation
import MonPSCore
import PostgresNIO

/// SQL of the analytics: one aggregate statement per endpoint over the owner's rows (`bets_user_placed_idx` and the
/// covering indexes of migration 0015), grouped by currency.
struct PostgresAnalyticsRepository: AnalyticsRepository {
    let database: Database

    func timeZone(owner: UUID) async throws -> String {
        let rows = try await database.query("SELECT time_zone FROM user_settings WHERE user_id = \(owner)")
        return try rows.first.map { try NamedColumns($0)("time_zone") } ?? "UTC"
    }

    func ownsBankroll(_ id: UUID, owner: UUID) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM bankrolls WHERE id = \(id) AND user_id = \(owner)")
        return !rows.isEmpty
    }

    func breakdown(owner: UUID, filter: AnalyticsFilter, by: BreakdownDimension, timeZone: String) async throws -> [BreakdownRow] {
        let query: PostgresQuery = """
            SELECT r.currency, \(groupKey: by, timeZone: timeZone) AS key, \(unescaped: AnalyticsSQL.figureColumns)
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE \(bets: filter, owner: owner) AND \(unescaped: AnalyticsSQL.settled)
            GROUP BY 1, 2
            """
        return try await database.query(query) { row in
            let columns = NamedColumns(row)
            return BreakdownRow(currency: try columns("currency"), key: try columns("key"), sums: try AnalyticsSQL.decodeSums(columns))
        }
    }

    func heatmap(owner: UUID, filter: AnalyticsFilter, clock: HeatmapClock, timeZone: String) async throws -> [HeatmapRow] {
        // Local wall-clock time in the user's zone; PostgreSQL's zone rules place each instant on the right side of a
        // daylight-saving change.
        let time = clock == .placed ? "b.placed_at" : "e.starts_at"
        let rows = try await database.query(
            """
            SELECT r.currency, extract(isodow FROM \(unescaped: time) AT TIME ZONE \(timeZone))::int AS weekday,
                   extract(hour FROM \(unescaped: time) AT TIME ZONE \(timeZone))::int AS hour,
                   count(*)::int8 AS bets, sum(b.stake)::int8 AS staked, sum(b.payout - b.stake)::int8 AS profit
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id LEFT JOIN events e ON e.id = b.event_id
            WHERE \(bets: filter, owner: owner) AND \(unescaped: AnalyticsSQL.settled) AND b.status <> 'void'
            GROUP BY 1, 2, 3
            """)
        return try rows.map { row in
            let columns = NamedColumns(row)
            return HeatmapRow(
                currency: try columns("currency"), weekday: try columns("weekday", Int32?.self).map(Int.init),
                hour: try columns("hour", Int32?.self).map(Int.init), bets: Int(try columns("bets", Int64.self)),
                staked: try columns("staked"), profit: try columns("profit"))
        }
    }

    func winRate(owner: UUID, filter: AnalyticsFilter, period: AnalyticsPeriodLength, timeZone: String) async throws -> [WinRateRow] {
        let rows = try await database.query(
            """
            SELECT r.currency,
                   to_char(date_trunc(\(period.rawValue), b.placed_at AT TIME ZONE \(timeZone)), 'YYYY-MM-DD') AS start,
                   avg(b.fair_probability) FILTER (WHERE b.status IN ('won', 'half_won', 'half_lost', 'lost'))::float8
                       AS expected,
                   \(unescaped: AnalyticsSQL.figureColumns)
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE \(bets: filter, owner: owner) AND \(unescaped: AnalyticsSQL.settled)
            GROUP BY 1, 2 ORDER BY 2, 1
            """)
        return try rows.map { row in
            let columns = NamedColumns(row)
            return WinRateRow(
                currency: try columns("currency"), start: try columns("start"), sums: try AnalyticsSQL.decodeSums(columns),
                expectedHitRate: try columns("expected"))
        }
    }

    func clv(owner: UUID, filter: AnalyticsFilter) async throws -> [CLVRow] {
        let rows = try await database.query(
            """
            SELECT r.currency, width_bucket(b.clv::float8, \(Bands.clvHistogram.bounds)) AS bin,
                   width_bucket(b.clv::float8, \(Bands.clvYield.bounds)) AS bucket, count(*)::int8 AS bets,
                   sum(b.clv)::float8 AS clv_sum, sum(b.clv * b.clv)::float8 AS clv_squares,
                   count(*) FILTER (WHERE b.clv > 0)::int8 AS beat_close,
                   sum(b.stake)::int8 AS staked, sum(b.payout - b.stake)::int8 AS profit
            FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
            WHERE \(bets: filter, owner: owner) AND \(unescaped: AnalyticsSQL.settled) AND b.status <> 'void'
              AND b.clv IS NOT NULL
            GROUP BY 1, 2, 3
            """)
        return try rows.map { row in
            let columns = NamedColumns(row)
            return CLVRow(
                currency: try columns("currency"), bin: Int(try columns("bin", Int32.self)),
                bucket: Int(try columns("bucket", Int32.self)), bets: Int(try columns("bets", Int64.self)),
                clvSum: try columns("clv_sum"), clvSquares: try columns("clv_squares"),
                beatClose: Int(try columns("beat_close", Int64.self)), staked: try columns("staked"),
                profit: try columns("profit"))
        }
    }

    func ledgerFlows(
        owner: UUID, bankrollID: UUID?, currency: String?, from: Date?, to: Date?, interval: AnalyticsPeriodLength,
        timeZone: String
    ) async throws -> [CurveRow] {
        let query: PostgresQuery = """
            SELECT r.currency,
                   to_char(date_trunc(\(interval.rawValue), x.created_at AT TIME ZONE \(timeZone)), 'YYYY-MM-DD') AS start,
                   COALESCE(sum(x.amount) FILTER (WHERE x.kind IN ('deposit', 'withdrawal')), 0)::int8 AS deposits,
                   COALESCE(sum(x.amount) FILTER (WHERE x.kind IN ('stake', 'payout', 'refund')), 0)::int8 AS betting,
                   COALESCE(sum(x.amount) FILTER (WHERE x.kind = 'correction'), 0)::int8 AS corrections,
                   COALESCE(bool_and(date_trunc(\(interval.rawValue), x.created_at AT TIME ZONE \(timeZone))
                                     >= date_trunc(\(interval.rawValue), \(from)::timestamptz AT TIME ZONE \(timeZone))), true)
                       AS in_range
            FROM bankroll_entries x JOIN bankrolls r ON r.id = x.bankroll_id
            WHERE r.user_id = \(owner) \(and: "r.id", bankrollID) \(and: "r.currency", currency) \(and: "x.created_at", "<", to)
            GROUP BY 1, 2 ORDER BY 2, 1
            """
        return try await database.query(query) { row in
            let columns = NamedColumns(row)
            return CurveRow(
                currency: try columns("currency"), start: try columns("start"), deposits: try columns("deposits"),
                betting: try columns("betting"), corrections: try columns("corrections"), inRange: try columns("in_range"))
        }
    }
}
