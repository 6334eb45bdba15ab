import Foundation
import MonPSCore
import PostgresNIO

/// SQL pieces the analytics queries share. Conditions are only written for the filters given (a plan for the
/// filters actually used, no `$1 IS NULL OR …` branches), and every value is a bound parameter.
extension PostgresQuery.StringInterpolation {
    /// `b` = `bet_facts`: the owner's settled bets matching `filter` (pending and cancelled bets have no fact row).
    mutating func appendInterpolation(facts filter: AnalyticsFilter, owner: UUID) {
        appendInterpolation(bets: filter, owner: owner, currencyColumn: "b.currency")
    }

    /// The filter's predicates over bets aliased `b` (bet facts or bets), with the currency read from
    /// `currencyColumn` (bets carry none: exports join their bankroll). One list for analytics and exports.
    mutating func appendInterpolation(bets filter: AnalyticsFilter, owner: UUID, currencyColumn: String) {
        appendLiteral("b.user_id = ")
        appendInterpolation(owner)
        appendInterpolation(and: currencyColumn, filter.currency)
        appendInterpolation(and: "b.bankroll_id", filter.bankrollID)
        appendInterpolation(and: "b.sport_key", filter.sport)
        appendInterpolation(and: "b.competition", filter.competition)
        appendInterpolation(and: "b.bookmaker", filter.bookmaker)
        appendInterpolation(and: "b.market", filter.market)
        appendInterpolation(and: "b.source", filter.source)
        appendInterpolation(and: "b.status", filter.status)
        if let agent = filter.agent {
            appendLiteral(" AND ")
            appendInterpolation(agent)
            appendLiteral("::text = ANY (string_to_array(b.agent, ','))")
        }
        appendInterpolation(and: "b.placed_at", ">=", filter.from)
        appendInterpolation(and: "b.placed_at", "<", filter.to)
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

    /// The breakdown's group expression per row: cheap values (a local month as a timestamp, a weekday or band as a
    /// number), written as text once per group by `groupLabel`. Local months and weekdays in `timeZone`.
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
            appendLiteral("width_bucket(b.odds, ")
            appendInterpolation(Bands.odds.bounds)
            appendLiteral(")")
        case .month, .weekday:
            // The local month or day a bet falls in, found among the period edges (`localPeriods`) by binary search:
            // no time-zone conversion per bet.
            appendLiteral("width_bucket(b.placed_at, (SELECT at FROM edges))")
        }
    }

    /// `edges`' body: the starts of the local periods (`unit`: day, week or month in `timeZone`) from the owner's
    /// first settled bet to the last, as instants (`at`, for `width_bucket(b.placed_at, at)`) and as local times
    /// (`local`, the labels). A few hundred conversions per request instead of one per bet; the period starts are
    /// PostgreSQL's own `date_trunc` in the zone, so daylight-saving changes fall where they did before.
    mutating func appendInterpolation(localPeriods unit: String, owner: UUID, timeZone: String) {
        appendLiteral("SELECT array_agg(d AT TIME ZONE ")
        appendInterpolation(timeZone)
        appendLiteral(" ORDER BY d) AS at, array_agg(d ORDER BY d) AS local FROM (SELECT min(placed_at) AS lo, max(placed_at) AS hi FROM bet_facts WHERE user_id = ")
        appendInterpolation(owner)
        appendLiteral(") s, generate_series(date_trunc(")
        appendInterpolation(unit)
        appendLiteral(", s.lo AT TIME ZONE ")
        appendInterpolation(timeZone)
        appendLiteral("), s.hi AT TIME ZONE ")
        appendInterpolation(timeZone)
        appendLiteral(", ('1 ' || ")
        appendInterpolation(unit)
        appendLiteral(")::interval) d")
    }

    /// `WITH edges AS (…) ` of `localPeriods`, or nothing when the query has no local periods.
    mutating func appendInterpolation(edges unit: String?, owner: UUID, timeZone: String) {
        guard let unit else { return }
        appendLiteral("WITH edges AS (")
        appendInterpolation(localPeriods: unit, owner: owner, timeZone: timeZone)
        appendLiteral(") ")
    }

    /// The text key of a group from its `groupKey` value `k`.
    mutating func appendInterpolation(groupLabel by: BreakdownDimension) {
        switch by {
        case .bookmaker, .sport, .competition, .market, .agent, .source: appendLiteral("g.k")
        case .oddsBand: appendLiteral("g.k::int::text")
        case .month: appendLiteral("to_char((SELECT local FROM edges)[g.k], 'YYYY-MM')")
        case .weekday: appendLiteral("date_part('isodow', (SELECT local FROM edges)[g.k])::int::text")
        }
    }
}

enum AnalyticsSQL {
    /// The aggregates `FigureSums` is read from (see `decodeSums`), over `bet_facts b`: a void's stake and profit are 0
    /// there and its CLV NULL, so only the counts and the odds need to tell voids apart.
    static let figureColumns = """
        count(*) FILTER (WHERE NOT b.void)::int8 AS bets,
        count(*) FILTER (WHERE b.void)::int8 AS void_bets,
        COALESCE(sum(b.stake), 0)::int8 AS staked,
        COALESCE(sum(b.profit), 0)::int8 AS profit,
        COALESCE(sum(b.hit), 0)::float8 AS hits,
        count(b.hit)::int8 AS hit_bets,
        COALESCE(sum(b.odds) FILTER (WHERE NOT b.void), 0)::float8 AS odds_sum,
        COALESCE(sum(b.clv), 0)::float8 AS clv_sum,
        count(b.clv)::int8 AS clv_bets,
        count(*) FILTER (WHERE b.clv > 0)::int8 AS beat_close,
        COALESCE(sum(b.stake::float8 * b.stake), 0)::float8 AS stake_squares,
        COALESCE(sum(b.profit::float8 * b.profit), 0)::float8 AS profit_squares,
        COALESCE(sum(b.stake::float8 * b.profit), 0)::float8 AS stake_profit
        """

    /// The same figures read back from a grouped subquery `g` (names unchanged).
    static let groupedFigureColumns =
        "g.bets, g.void_bets, g.staked, g.profit, g.hits, g.hit_bets, g.odds_sum, g.clv_sum, g.clv_bets, g.beat_close, "
        + "g.stake_squares, g.profit_squares, g.stake_profit"

    /// The figures of several groups of `g` added up (names unchanged).
    static let summedFigureColumns = """
        sum(g.bets)::int8 AS bets, sum(g.void_bets)::int8 AS void_bets, sum(g.staked)::int8 AS staked,
        sum(g.profit)::int8 AS profit, sum(g.hits)::float8 AS hits, sum(g.hit_bets)::int8 AS hit_bets,
        sum(g.odds_sum)::float8 AS odds_sum, sum(g.clv_sum)::float8 AS clv_sum, sum(g.clv_bets)::int8 AS clv_bets,
        sum(g.beat_close)::int8 AS beat_close, sum(g.stake_squares)::float8 AS stake_squares,
        sum(g.profit_squares)::float8 AS profit_squares, sum(g.stake_profit)::float8 AS stake_profit
        """

    static func decodeSums(_ row: RowReader) throws -> FigureSums {
        FigureSums(
            bets: Int(try row("bets", Int64.self)), voidBets: Int(try row("void_bets", Int64.self)),
            staked: try row("staked"), profit: try row("profit"), hits: try row("hits"),
            hitBets: Int(try row("hit_bets", Int64.self)), oddsSum: try row("odds_sum"), clvSum: try row("clv_sum"),
            clvBets: Int(try row("clv_bets", Int64.self)), beatClose: Int(try row("beat_close", Int64.self)),
            stakeSquares: try row("stake_squares"), profitSquares: try row("profit_squares"),
            stakeProfit: try row("stake_profit"))
    }
}

