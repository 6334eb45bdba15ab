import Foundation

/// How a backtest sizes its stakes.
public enum StakingPlan: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The same stake in minor units on every bet (skipped when the free bankroll is smaller).
    case flat(Int64)
    /// `min(λ·f*, cap)` of the free bankroll (``Kelly/fraction(probability:decimalOdds:multiplier:cap:)``
    /// with the signal's fair probability), rounded down by ``Kelly/stake(fraction:bankroll:stakeUnit:)``.
    case kelly(multiplier: Double, cap: Double = 1)

    /// Parses `flat:<minor units>`, `kelly:<λ>` or `kelly:<λ>:<cap>` (e.g. `kelly:0.5`).
    /// - Throws: ``BacktestError/invalidStakingPlan(_:)``.
    public init(parsing text: String) throws(BacktestError) {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("flat", 2):
            guard let amount = Int64(parts[1]), amount > 0 else { throw .invalidStakingPlan(text) }
            self = .flat(amount)
        case ("kelly", 2), ("kelly", 3):
            guard let multiplier = Double(parts[1]), multiplier.isFinite, multiplier > 0 else {
                throw .invalidStakingPlan(text)
            }
            let cap = parts.count == 3 ? Double(parts[2]) : 1
            guard let cap, cap.isFinite, cap > 0, cap <= 1 else { throw .invalidStakingPlan(text) }
            self = .kelly(multiplier: multiplier, cap: cap)
        default:
            throw .invalidStakingPlan(text)
        }
    }

    /// `flat:100`, `kelly:0.5`, `kelly:0.5:0.05`.
    public var description: String {
        switch self {
        case .flat(let amount): "flat:\(amount)"
        case .kelly(let multiplier, let cap): cap == 1 ? "kelly:\(multiplier)" : "kelly:\(multiplier):\(cap)"
        }
    }
}

/// How a historical market was settled.
public enum MarketResult: Sendable, Codable, Hashable {
    /// Exactly this outcome won, every other lost (1X2, two-way markets without a push).
    case winner(Int)
    /// No action: every bet is void.
    case void
    /// Grade each outcome with ``Settler``: one ``BetMarket`` per outcome (same order) and the
    /// event's status (handles pushes, quarter lines, retirements…). A bet still pending is void.
    case graded(markets: [BetMarket], status: EventStatus, rules: SettlementRules = SettlementRules())
}

/// One market to replay: its prices (known before kick-off), when to decide, and how it ended.
public struct HistoricalMarket: Sendable, Codable, Hashable {
    /// All known prices; those captured at or after ``decisionTime`` are never shown to the agents.
    public var snapshot: MarketSnapshot
    /// When the bet is decided (e.g. one hour before the start).
    public var decisionTime: Date
    /// When the result is known and the bankroll is credited (e.g. the start plus three hours).
    public var settledAt: Date
    /// The sharp bookmaker's closing prices (outcome order) for CLV; `nil` to skip CLV.
    public var closingOdds: [Double]?
    /// The result.
    public var result: MarketResult

    /// Creates a historical market.
    public init(
        snapshot: MarketSnapshot, decisionTime: Date, settledAt: Date, closingOdds: [Double]?,
        result: MarketResult
    ) {
        self.snapshot = snapshot
        self.decisionTime = decisionTime
        self.settledAt = settledAt
        self.closingOdds = closingOdds
        self.result = result
    }
}

/// What is replayed.
public enum BacktestStrategy: Sendable {
    /// One agent's signals.
    case agent(any DetectionAgent)
    /// The consensus of several agents; only opportunities with at least `minimumVerdict` are bet,
    /// at their best price, with their fair probability.
    case consensus(
        agents: [any DetectionAgent], weights: [AgentID: Double] = [:],
        configuration: ConsensusConfiguration = ConsensusConfiguration(), minimumVerdict: Verdict = .analyze)
}

/// Settings of a backtest.
public struct BacktestConfiguration: Sendable, Codable, Hashable {
    /// Starting bankroll in minor units, > 0.
    public var startingBankroll: Int64
    /// Stake sizing.
    public var staking: StakingPlan
    /// Stakes are rounded down to a multiple of this (minor units), ≥ 1.
    public var stakeUnit: Int64
    /// Most bets per market (distinct outcomes, highest edge first); the paper bets one.
    public var maxBetsPerMarket: Int
    /// De-vig method of the closing line for CLV.
    public var clvMethod: DevigMethod
    /// Random-bet resamples for the p-value (0: win-count test only).
    public var resamples: Int
    /// Seed of the resampling (``SplitMix64``).
    public var seed: UInt64

    /// Creates a configuration.
    public init(
        startingBankroll: Int64, staking: StakingPlan, stakeUnit: Int64 = 1, maxBetsPerMarket: Int = 1,
        clvMethod: DevigMethod = .multiplicative, resamples: Int = 10_000, seed: UInt64 = 20_240_601
    ) {
        self.startingBankroll = startingBankroll
        self.staking = staking
        self.stakeUnit = stakeUnit
        self.maxBetsPerMarket = maxBetsPerMarket
        self.clvMethod = clvMethod
        self.resamples = resamples
        self.seed = seed
    }
}

/// One simulated bet.
public struct BacktestBet: Sendable, Codable, Hashable {
    /// Event id.
    public var eventID: Int64
    /// Market.
    public var market: MarketKey
    /// Outcome index.
    public var outcomeIndex: Int
    /// Outcome name.
    public var outcome: String
    /// Bookmaker.
    public var bookmaker: String
    /// Price taken.
    public var decimalOdds: Double
    /// Fair probability used for the decision (and Kelly).
    public var fairProbability: Double
    /// Edge at the decision.
    public var edge: Double
    /// Decision time.
    public var placedAt: Date
    /// Settlement time.
    public var settledAt: Date
    /// Stake in minor units.
    public var stake: Int64
    /// Gross return in minor units.
    public var payout: Int64
    /// Grade.
    public var grade: BetOutcome
    /// CLV against the de-vigged sharp close (odds form), when closing odds were given.
    public var clv: Double?
    /// Agents behind the bet.
    public var agents: [AgentID]
    /// Their reasons.
    public var reasons: [String]

    /// Creates a bet (the engine creates them; stored backtests read them back).
    public init(
        eventID: Int64, market: MarketKey, outcomeIndex: Int, outcome: String, bookmaker: String, decimalOdds: Double,
        fairProbability: Double, edge: Double, placedAt: Date, settledAt: Date, stake: Int64, payout: Int64,
        grade: BetOutcome, clv: Double?, agents: [AgentID], reasons: [String]
    ) {
        self.eventID = eventID
        self.market = market
        self.outcomeIndex = outcomeIndex
        self.outcome = outcome
        self.bookmaker = bookmaker
        self.decimalOdds = decimalOdds
        self.fairProbability = fairProbability
        self.edge = edge
        self.placedAt = placedAt
        self.settledAt = settledAt
        self.stake = stake
        self.payout = payout
        self.grade = grade
        self.clv = clv
        self.agents = agents
        self.reasons = reasons
    }

    /// `payout − stake`.
    public var profit: Int64 { payout - stake }
}

/// The outcome of a backtest.
public struct BacktestReport: Sendable, Codable, Hashable {
    /// Markets replayed.
    public var markets: Int
    /// Markets with at least one candidate (signal or opportunity).
    public var marketsWithCandidates: Int
    /// Candidates not bet for lack of free bankroll (or a stake rounding to 0).
    public var skippedForStake: Int
    /// Bets in placement order.
    public var bets: [BacktestBet]
    /// Starting bankroll.
    public var startingBankroll: Int64
    /// Bankroll after every bet settled.
    public var finalBankroll: Int64
    /// Statistics of the bets (``PerformanceAnalyzer`` with the starting bankroll, the resamples and
    /// the seed): yield, ROI, Sharpe, drawdown, CLV, p-value…
    public var performance: PerformanceReport

    /// Bets in action.
    public var betCount: Int { performance.count }
    /// Share of bets won.
    public var hitRate: Double? { performance.hitRate }
    /// Mean price.
    public var averageOdds: Double? { performance.averageOdds }
    /// Turnover.
    public var staked: Int64 { performance.staked }
    /// Profit.
    public var profit: Int64 { performance.profit }
    /// Profit / turnover.
    public var yield: Double? { performance.yield }
    /// Profit / starting bankroll.
    public var roi: Double? { performance.roi }
    /// Sharpe ratio of per-bet returns.
    public var sharpe: Double? { performance.sharpe }
    /// Largest fall from a peak, minor units.
    public var maxDrawdown: Int64 { performance.maxDrawdown }
    /// Mean CLV.
    public var averageCLV: Double? { performance.averageCLV }
    /// Share of bets that beat the close.
    public var beatCloseShare: Double? { performance.beatCloseShare }
    /// p-value against random bets (see ``SignificanceReport/primaryTest``).
    public var pValue: Double? { performance.significance?.pValue }
}

/// Why a backtest could not run.
public enum BacktestError: Error, Equatable, Hashable, Sendable {
    /// A staking plan text that does not parse, or a plan with invalid numbers.
    case invalidStakingPlan(String)
    /// Starting bankroll ≤ 0, stake unit < 1, max bets < 1 or negative resamples.
    case invalidConfiguration
    /// A historical market whose result does not fit its outcomes (index of the market in the input).
    case invalidResult(market: Int)
    /// Settlement or money arithmetic failed (overflow).
    case settlement(SettlementError)
    /// The statistics failed (overflow).
    case statistics(StatisticsError)
}
