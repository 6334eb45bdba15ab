import Foundation
import MonPSCore
import PostgresNIO

/// Which graded picks an agents' comparison counts.
struct AgentRecordFilter: Sendable, Equatable {
    var sport: String?
    var market: MarketType?
    var from: Date?
    var until: Date?
}

/// The agents' measured history: live opportunities graded at kick-off (`opportunities.grade`) and the bets of the
/// latest finished backtest of each strategy (by anyone: backtests replay the platform's shared data).
struct AgentRecordsRepository: Sendable {
    let database: Database
    /// Live opportunities read per comparison at most (the newest).
    var liveLimit = 200_000

    /// Graded live opportunities in `filter`, oldest first (the newest `liveLimit`).
    func live(_ filter: AgentRecordFilter) async throws -> [AgentComparison.Pick] {
        let rows = try await database.query(
            """
            SELECT * FROM (
                SELECT agents, sport_key, market, price, unit_return, grade, clv, fair_probability, verdict, starts_at, id
                FROM opportunities
                WHERE grade IS NOT NULL
                  AND (\(filter.sport)::text IS NULL OR sport_key = \(filter.sport))
                  AND (\(filter.market?.rawValue)::text IS NULL OR market = \(filter.market?.rawValue))
                  AND (\(filter.from)::timestamptz IS NULL OR starts_at >= \(filter.from))
                  AND (\(filter.until)::timestamptz IS NULL OR starts_at < \(filter.until))
                ORDER BY starts_at DESC, id DESC LIMIT \(liveLimit)
            ) newest ORDER BY starts_at, id
            """)
        return try rows.map { row in
            let read = RowReader(row)
            let unitReturn: Double = try read("unit_return")
            return AgentComparison.Pick(
                agents: try read("agents"), sport: try read("sport_key"), market: try read("market"), odds: try read("price"),
                stake: AgentComparison.paperStake, payout: Int64((unitReturn * Double(AgentComparison.paperStake)).rounded()),
                grade: try read("grade", BetOutcome.self), clv: try read("clv"),
                fairProbability: try read("fair_probability"), verdict: try read("verdict", Verdict.self), at: try read("starts_at"))
        }
    }

    /// The latest finished backtest of each strategy whose scope covers `filter.sport`, with its bets in `filter`.
    func latestBacktests(_ filter: AgentRecordFilter) async throws -> [String: AgentComparison.BacktestPicks] {
        let latest = try await database.query(
            """
            SELECT DISTINCT ON (strategy) strategy, id, bankroll, finished_at FROM backtests
            WHERE status = 'succeeded' AND (sport IS NULL OR sport = \(filter.sport))
            ORDER BY strategy, finished_at DESC, id
            """
        ).map { row in
            let read = RowReader(row)
            return (
                strategy: try read("strategy", String.self), id: try read("id", UUID.self),
                bankroll: try read("bankroll", Int64.self), finished: try read("finished_at", Date.self))
        }
        var found: [String: AgentComparison.BacktestPicks] = [:]
        for (strategy, id, bankroll, finished) in latest {
            let picks = try await database.query(
                """
                SELECT agents, sport_key, market, price, stake, payout, grade, clv, fair_probability, placed_at
                FROM backtest_bets
                WHERE backtest_id = \(id)
                  AND (\(filter.sport)::text IS NULL OR sport_key = \(filter.sport))
                  AND (\(filter.market?.rawValue)::text IS NULL OR market = \(filter.market?.rawValue))
                  AND (\(filter.from)::timestamptz IS NULL OR placed_at >= \(filter.from))
                  AND (\(filter.until)::timestamptz IS NULL OR placed_at < \(filter.until))
                ORDER BY seq
                """
            ).map { row in
                let read = RowReader(row)
                return AgentComparison.Pick(
                    agents: try read("agents"), sport: try read("sport_key"), market: try read("market"),
                    odds: try read("price"), stake: try read("stake"), payout: try read("payout"),
                    grade: try read("grade", BetOutcome.self), clv: try read("clv"),
                    fairProbability: try read("fair_probability"), verdict: nil, at: try read("placed_at"))
            }
            found[strategy] = AgentComparison.BacktestPicks(id: id, bankroll: bankroll, finishedAt: finished, picks: picks)
        }
        return found
    }

    /// Agent D's input: each agent's record overall, per sport, per market family and per both, pooling its live
    /// grades with the bets of its latest single-agent backtest (void bets and pushes left out of the hit rate).
    func trackRecords() async throws -> TrackRecordTable {
        let rows = try await database.query(
            """
            WITH latest AS (
                SELECT DISTINCT ON (strategy) id FROM backtests
                WHERE status = 'succeeded' AND strategy <> 'consensus' ORDER BY strategy, finished_at DESC, id
            ), picks AS (
                SELECT unnest(agents) AS agent, sport_key, market, unit_return - 1 AS unit_profit, clv, grade
                FROM opportunities WHERE grade IS NOT NULL AND grade <> 'void'
                UNION ALL
                SELECT unnest(agents), sport_key, market, (payout - stake)::float8 / stake, clv, grade
                FROM backtest_bets WHERE backtest_id IN (SELECT id FROM latest) AND grade <> 'void'
            )
            SELECT agent, CASE WHEN grouping(sport_key) = 0 THEN sport_key END AS sport,
                   CASE WHEN grouping(market) = 0 THEN market END AS market,
                   count(*)::int AS bets, avg(unit_profit) AS roi, avg(clv) AS average_clv,
                   avg(CASE grade WHEN 'won' THEN 1 WHEN 'half_won' THEN 0.5 WHEN 'push' THEN NULL ELSE 0 END)::float8
                       AS hit_rate
            FROM picks
            GROUP BY GROUPING SETS ((agent, sport_key, market), (agent, sport_key), (agent, market), (agent))
            """)
        var records: [TrackRecordKey: MonPSCore.AgentRecord] = [:]
        for row in rows {
            let read = RowReader(row)
            let agent = AgentID(rawValue: try read("agent", String.self))
            let key = TrackRecordKey(agent: agent, sport: try read("sport"), market: try read("market", MarketType?.self))
            records[key] = MonPSCore.AgentRecord(
                bets: try read("bets"), roi: try read("roi", Double?.self) ?? 0, averageCLV: try read("average_clv"),
                hitRate: try read("hit_rate"))
        }
        return TrackRecordTable(records)
    }
}
