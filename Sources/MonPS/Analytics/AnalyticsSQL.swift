import Foundation
import MonPSCore
import PostgresNIO

/// SQL pieces the analytics queries share. Conditions are only written for the filters given (a plan for the
/// filters actually used, no `$1 IS NULL OR …` branches), and every value is a bound parameter.
extension PostgresQuery.StringInterpolation {
    /// `b` = bets, `r` = bankrolls: the owner's bets matching `filter` (every status unless the filter names one).
    mutating func appendInterpolation(bets filter: AnalyticsFilter, owner: UUID) {
        // Cancelled bets were refunded: they never count in analytics (an export still lists them).
        appendInterpolation(exportedBets: filter, owner: owner)
        appendLiteral(" AND b.status <> 'cancelled'")
    }

    /// ` AND column = value`, or nothing when there is no value. `column` is the caller's literal.
    mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable>(and column: String, _ value: Value?) {
        appendInterpolation(and: column, "=", value)
    }

    /// ` AND column op value`, or nothing when there is no value. `column` and `op` are the caller's literals.
    mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable>(and column: String, _ op: String, _ value: Value?) {
        guard let value else { return }
        appendLiteral(" AND \(column) \(op) ")
        appendInterpolation(value)
    }

    /// The breakdown's group expression; local months and weekdays in `timeZone`.
    mutating func appendInterpolation(groupKey by: BreakdownDimension, timeZone: String) {
        switch by {
        case .bookmaker: appendLiteral("b.bookmaker")
        case .sport: appendLiteral("b.sport_key")
        case .competition: appendLiteral("b.competition")
        case .market: appendLiteral("b.market")
        case .agent: appendLiteral("b.agent")
        case .source: appendLiteral("b.source")
        case .oddsBand:
            // The bounds are bound from `Bands.odds`, the same value the service labels the bands with.
            appendLiteral("width_bucket(b.odds::float8, ")
            appendInterpolation(Bands.odds.bounds)
            appendLiteral(")::text")
        case .month:
            appendLiteral("to_char(b.placed_at AT TIME ZONE ")
            appendInterpolation(timeZone)
            appendLiteral(", 'YYYY-MM')")
        case .weekday:
            appendLiteral("extract(isodow FROM b.placed_at AT TIME ZONE ")
            appendInterpolation(timeZone)
            appendLiteral(")::int::text")
        }
    }
}

enum AnalyticsSQL {
    /// Settled (graded) bets: what every analytics figure is made of.
    static let settled = "b.status NOT IN ('pending', 'cancelled')"

    /// The aggregates `FigureSums` is read from (see `decodeSums`). Voids only count in `void_bets`.
    static let figureColumns = """
        count(*) FILTER (WHERE b.status <> 'void')::int8 AS bets,
        count(*) FILTER (WHERE b.status = 'void')::int8 AS void_bets,
        COALESCE(sum(b.stake) FILTER (WHERE b.status <> 'void'), 0)::int8 AS staked,
        COALESCE(sum(b.payout - b.stake) FILTER (WHERE b.status <> 'void'), 0)::int8 AS profit,
        COALESCE(sum(CASE b.status WHEN 'won' THEN 1.0 WHEN 'half_won' THEN 0.5 ELSE 0 END)
                 FILTER (WHERE b.status IN ('won', 'half_won', 'half_lost', 'lost')), 0)::float8 AS hits,
        count(*) FILTER (WHERE b.status IN ('won', 'half_won', 'half_lost', 'lost'))::int8 AS hit_bets,
        COALESCE(sum(b.odds) FILTER (WHERE b.status <> 'void'), 0)::float8 AS odds_sum,
        COALESCE(sum(b.clv) FILTER (WHERE b.status <> 'void'), 0)::float8 AS clv_sum,
        count(b.clv) FILTER (WHERE b.status <> 'void')::int8 AS clv_bets,
        count(*) FILTER (WHERE b.status <> 'void' AND b.clv > 0)::int8 AS beat_close,
        COALESCE(sum(b.stake::float8 * b.stake) FILTER (WHERE b.status <> 'void'), 0) AS stake_squares,
        COALESCE(sum((b.payout - b.stake)::float8 * (b.payout - b.stake)) FILTER (WHERE b.status <> 'void'), 0)
            AS profit_squares,
        COALESCE(sum(b.stake::float8 * (b.payout - b.stake)) FILTER (WHERE b.status <> 'void'), 0) AS stake_profit
        """

    static func decodeSums(_ row: NamedColumns) throws -> FigureSums {
        FigureSums(
            bets: Int(try row("bets", Int64.self)), voidBets: Int(try row("void_bets", Int64.self)),
            staked: try row("staked"), profit: try row("profit"), hits: try row("hits"),
            hitBets: Int(try row("hit_bets", Int64.self)), oddsSum: try row("odds_sum"), clvSum: try row("clv_sum"),
            clvBets: Int(try row("clv_bets", Int64.self)), beatClose: Int(try row("beat_close", Int64.self)),
            stakeSquares: try row("stake_squares"), profitSquares: try row("profit_squares"),
            stakeProfit: try row("stake_profit"))
    }
}

/// A row read by column name, so a reordered SELECT cannot silently shift values into the wrong fields.
struct NamedColumns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
        try row[name].decode(T.self, context: .default)
    }
}
