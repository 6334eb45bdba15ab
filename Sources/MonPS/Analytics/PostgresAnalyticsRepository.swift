import Foundation
import MonPSCore
import PostgresNIO

/// SQL of the analytics: one aggregate statement per endpoint over the owner's rows of `bet_facts` (migration 0017:
/// one narrow row per settled bet, kept by trigger) or of the ledger, grouped by currency.
struct PostgresAnalyticsRepository: AnalyticsRepository {
    let database: Database

    func timeZone(owner: UUID) async throws -> String {
        let rows = try await database.query("SELECT time_zone FROM user_settings WHERE user_id = \(owner)")
        return try rows.first.map { try RowReader($0)("time_zone") } ?? "UTC"
    }

    func ownsBankroll(_ id: UUID, owner: UUID) async throws -> Bool {
        let rows = try await database.query("SELECT 1 FROM bankrolls WHERE id = \(id) AND user_id = \(owner)")
        return !rows.isEmpty
    }

    func breakdown(owner: UUID, filter: AnalyticsFilter, by: BreakdownDimension, timeZone: String) async throws -> [BreakdownRow] {
        // Months and weekdays: grouped per local month or day first, then labelled (and days added up per weekday).
        let unit: String? = by == .month ? "month" : by == .weekday ? "day" : nil
        let query: PostgresQuery = """
            \(edges: unit, owner: owner, timeZone: timeZone)
            SELECT g.currency, \(groupLabel: by) AS key, \(unescaped: AnalyticsSQL.summedFigureColumns)
            FROM (
                SELECT b.currency, \(groupKey: by, timeZone: timeZone) AS k, \(unescaped: AnalyticsSQL.figureColumns)
                FROM bet_facts b
                WHERE \(facts: filter, owner: owner)
                GROUP BY 1, 2
            ) g
            GROUP BY 1, 2
            """
        return try await database.query(query) { row in
            let columns = RowReader(row)
            return BreakdownRow(currency: try columns("currency"), key: try columns("key"), sums: try AnalyticsSQL.decodeSums(columns))
        }
    }

    func heatmap(owner: UUID, filter: AnalyticsFilter, clock: HeatmapClock, timeZone: String) async throws -> [HeatmapRow] {
        // Local wall-clock time in the user's zone, converted once per bet (`OFFSET 0` keeps the subquery from being
        // flattened into two conversions); PostgreSQL's zone rules place each instant on the right side of a
        // daylight-saving change.
        let time = clock == .placed ? "b.placed_at" : "e.starts_at"
        let join = clock == .placed ? "" : "LEFT JOIN events e ON e.id = b.event_id"
        let rows = try await database.query(
            """
            SELECT l.currency, date_part('isodow', l.local)::int AS weekday, date_part('hour', l.local)::int AS hour,
                   count(*)::int8 AS bets, sum(l.stake)::int8 AS staked, sum(l.profit)::int8 AS profit
            FROM (
                SELECT b.currency, \(unescaped: time) AT TIME ZONE \(timeZone) AS local, b.stake, b.profit
                FROM bet_facts b \(unescaped: join)
                WHERE \(facts: filter, owner: owner) AND NOT b.void
                OFFSET 0
            ) l
            GROUP BY 1, 2, 3
            """)
        return try rows.map { row in
            let columns = RowReader(row)
            return HeatmapRow(
                currency: try columns("currency"), weekday: try columns("weekday", Int32?.self).map(Int.init),
                hour: try columns("hour", Int32?.self).map(Int.init), bets: Int(try columns("bets", Int64.self)),
                staked: try columns("staked"), profit: try columns("profit"))
        }
    }

    func winRate(owner: UUID, filter: AnalyticsFilter, period: AnalyticsPeriodLength, timeZone: String) async throws -> [WinRateRow] {
        let rows = try await database.query(
            """
            \(edges: period.rawValue, owner: owner, timeZone: timeZone)
            SELECT g.currency, to_char((SELECT local FROM edges)[g.k], 'YYYY-MM-DD') AS start, g.expected,
                   \(unescaped: AnalyticsSQL.groupedFigureColumns)
            FROM (
                SELECT b.currency, width_bucket(b.placed_at, (SELECT at FROM edges)) AS k,
                       avg(b.fair_probability)::float8 AS expected, \(unescaped: AnalyticsSQL.figureColumns)
                FROM bet_facts b
                WHERE \(facts: filter, owner: owner)
                GROUP BY 1, 2
            ) g
            ORDER BY g.k, g.currency
            """)
        return try rows.map { row in
            let columns = RowReader(row)
            return WinRateRow(
                currency: try columns("currency"), start: try columns("start"), sums: try AnalyticsSQL.decodeSums(columns),
                expectedHitRate: try columns("expected"))
        }
    }

    func clv(owner: UUID, filter: AnalyticsFilter) async throws -> [CLVRow] {
        let rows = try await database.query(
            """
            SELECT b.currency, width_bucket(b.clv, \(Bands.clvHistogram.bounds)) AS bin,
                   width_bucket(b.clv, \(Bands.clvYield.bounds)) AS bucket, count(*)::int8 AS bets,
                   sum(b.clv)::float8 AS clv_sum, sum(b.clv * b.clv)::float8 AS clv_squares,
                   count(*) FILTER (WHERE b.clv > 0)::int8 AS beat_close,
                   sum(b.stake)::int8 AS staked, sum(b.profit)::int8 AS profit
            FROM bet_facts b
            WHERE \(facts: filter, owner: owner) AND b.clv IS NOT NULL
            GROUP BY 1, 2, 3
            """)
        return try rows.map { row in
            let columns = RowReader(row)
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
            let columns = RowReader(row)
            return CurveRow(
                currency: try columns("currency"), start: try columns("start"), deposits: try columns("deposits"),
                betting: try columns("betting"), corrections: try columns("corrections"), inRange: try columns("in_range"))
        }
    }
}
