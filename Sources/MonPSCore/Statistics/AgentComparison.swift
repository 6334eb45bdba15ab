import Foundation

/// The agents' comparison: each agent and the consensus, measured live (opportunities graded at kick-off, one-unit
/// paper bets) and in their latest backtest, overall and per period; and the consensus verdicts against what happened.
public struct AgentComparison: Sendable, Equatable {
    /// One graded pick: a live opportunity as a one-unit paper bet, or a backtest bet.
    public struct Pick: Sendable, Equatable {
        public var agents: [String]
        public var sport: String
        public var market: String
        public var odds: Double
        public var stake: Int64
        public var payout: Int64
        public var grade: BetOutcome
        public var clv: Double?
        public var fairProbability: Double
        public var verdict: Verdict?
        public var at: Date

        public init(
            agents: [String], sport: String, market: String, odds: Double, stake: Int64, payout: Int64, grade: BetOutcome,
            clv: Double?, fairProbability: Double, verdict: Verdict?, at: Date
        ) {
            self.agents = agents
            self.sport = sport
            self.market = market
            self.odds = odds
            self.stake = stake
            self.payout = payout
            self.grade = grade
            self.clv = clv
            self.fairProbability = fairProbability
            self.verdict = verdict
            self.at = at
        }
    }

    /// The bets of a strategy's latest finished backtest.
    public struct BacktestPicks: Sendable, Equatable {
        public var id: UUID
        public var bankroll: Int64
        public var finishedAt: Date
        public var picks: [Pick]

        public init(id: UUID, bankroll: Int64, finishedAt: Date, picks: [Pick]) {
            self.id = id
            self.bankroll = bankroll
            self.finishedAt = finishedAt
            self.picks = picks
        }
    }

    /// Live paper bets are one unit: 1.00 in minor units.
    public static let paperStake: Int64 = 100

    public enum Period: String, Sendable, CaseIterable {
        case week, month, quarter

        /// `2026-W48`, `2026-11`, `2026-Q4` (ISO weeks, UTC).
        public func label(_ date: Date) -> String {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            switch self {
            case .week:
                let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
            case .month:
                let parts = calendar.dateComponents([.year, .month], from: date)
                return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
            case .quarter:
                let parts = calendar.dateComponents([.year, .month], from: date)
                return String(format: "%04d-Q%d", parts.year ?? 0, ((parts.month ?? 1) - 1) / 3 + 1)
            }
        }
    }

    /// The statistics of a set of picks (void bets excluded from everything but `voidBets`).
    public struct Stats: Sendable, Equatable {
        /// `nil` only if a stored pick were invalid (the tables' checks prevent it).
        public var report: PerformanceReport?
        /// Mean fair probability of the picks in action: the hit rate the agents expected.
        public var expectedHitRate: Double?
    }

    public struct PeriodStats: Sendable, Equatable {
        public var period: String
        public var live: Stats?
        public var backtest: Stats?
    }

    public struct AgentLine: Sendable, Equatable {
        /// An agent id, or `consensus`.
        public var agent: String
        public var title: String
        public var enabled: Bool
        /// Agent D's current overall weight of this agent (`nil` for the consensus).
        public var weight: Double?
        public var live: Stats
        public var backtest: Stats?
        public var backtestID: UUID?
        public var periods: [PeriodStats]
    }

    public struct VerdictLine: Sendable, Equatable {
        public var verdict: Verdict
        public var stats: Stats
    }

    public var period: Period
    public var agents: [AgentLine]
    public var verdicts: [VerdictLine]

    /// Notional bankroll of the live paper bets (100 one-unit stakes), for ROI and drawdown.
    public static let paperBankroll: Int64 = 100 * paperStake

    /// - Parameters:
    ///   - agents: the single agents to list (id, title, enabled), in display order.
    ///   - live: graded live opportunities; `backtests`: latest backtest per strategy.
    public static func build(
        agents: [(id: String, title: String, enabled: Bool)], weights: [String: Double], live: [Pick],
        backtests: [String: BacktestPicks], period: Period
    ) -> AgentComparison {
        var lines: [AgentLine] = []
        let rows = agents + [(id: "consensus", title: "Consensus (verdict analyze)", enabled: true)]
        for agent in rows {
            let picks = agent.id == "consensus"
                ? live.filter { $0.verdict == .analyze } : live.filter { $0.agents.contains(agent.id) }
            let backtest = backtests[agent.id]
            lines.append(AgentLine(
                agent: agent.id, title: agent.title, enabled: agent.enabled,
                weight: agent.id == "consensus" ? nil : weights[agent.id] ?? 1,
                live: stats(picks, bankroll: paperBankroll), backtest: backtest.map { stats($0.picks, bankroll: $0.bankroll) },
                backtestID: backtest?.id, periods: periods(live: picks, backtest: backtest, period: period)))
        }
        let verdicts = [Verdict.analyze, .caution].map { verdict in
            VerdictLine(verdict: verdict, stats: stats(live.filter { $0.verdict == verdict }, bankroll: paperBankroll))
        }
        return AgentComparison(period: period, agents: lines, verdicts: verdicts)
    }

    static func periods(
        live: [Pick], backtest: BacktestPicks?, period: Period
    ) -> [PeriodStats] {
        let liveByPeriod = Dictionary(grouping: live) { period.label($0.at) }
        let backtestByPeriod = Dictionary(grouping: backtest?.picks ?? []) { period.label($0.at) }
        return Set(liveByPeriod.keys).union(backtestByPeriod.keys).sorted().map { label in
            PeriodStats(
                period: label, live: liveByPeriod[label].map { stats($0, bankroll: paperBankroll) },
                backtest: backtestByPeriod[label].map { stats($0, bankroll: backtest?.bankroll ?? paperBankroll) })
        }
    }

    /// The core's statistics with a win-count p-value (no resampling: this answers a request).
    static func stats(_ picks: [Pick], bankroll: Int64) -> Stats {
        let bets = picks.map {
            SettledBet(
                stake: $0.stake, decimalOdds: $0.odds, payout: $0.payout, outcome: $0.grade,
                placedAt: Int64($0.at.timeIntervalSince1970), clv: $0.clv.flatMap { $0.isFinite ? $0 : nil })
        }
        let options = PerformanceOptions(startingBankroll: max(1, bankroll), resamples: 0)
        let report = try? PerformanceAnalyzer.analyze(bets, options: options)
        let inAction = picks.filter { $0.grade != .void }
        let expected = inAction.isEmpty
            ? nil : inAction.reduce(0) { $0 + $1.fairProbability } / Double(inAction.count)
        return Stats(report: report, expectedHitRate: expected)
    }
}
