/// One graded bet of a betting record, in the shape the statistics need.
public struct SettledBet: Sendable, Codable, Hashable {
    /// Stake in minor units, > 0.
    public var stake: Int64
    /// Decimal odds struck, > 1.
    public var decimalOdds: Double
    /// Gross return in minor units (stake included), ≥ 0.
    public var payout: Int64
    /// The grade; `void` bets are left out of every statistic.
    public var outcome: BetOutcome
    /// When the bet was placed, epoch seconds; orders the bankroll curve (ties keep input order).
    public var placedAt: Int64
    /// Closing line value of the bet (e.g. ``ClosingLineValue/oddsBased``), if known.
    public var clv: Double?

    /// Creates a settled bet.
    public init(
        stake: Int64, decimalOdds: Double, payout: Int64, outcome: BetOutcome, placedAt: Int64,
        clv: Double? = nil
    ) {
        self.stake = stake
        self.decimalOdds = decimalOdds
        self.payout = payout
        self.outcome = outcome
        self.placedAt = placedAt
        self.clv = clv
    }

    /// Creates a settled bet from a ``SettlementResult``.
    public init(
        _ result: SettlementResult, decimalOdds: Double, placedAt: Int64, clv: Double? = nil
    ) {
        self.init(
            stake: result.stake, decimalOdds: decimalOdds, payout: result.payout,
            outcome: result.outcome, placedAt: placedAt, clv: clv)
    }

    /// `payout − stake`.
    public var profit: Int64 { payout - stake }

    /// Hit score for the hit rate and the win-count test: won 1, half-won 0.5, half-lost and
    /// lost 0; `nil` for push and void (excluded).
    public var hitScore: Double? {
        switch outcome {
        case .won: 1.0
        case .halfWon: 0.5
        case .halfLost, .lost: 0.0
        case .push, .void: nil
        }
    }
}

/// Options of a performance report.
public struct PerformanceOptions: Sendable, Codable, Hashable {
    /// Starting bankroll in minor units (> 0) for ROI and drawdown %; `nil` to skip them.
    public var startingBankroll: Int64?
    /// Number of random-bet resamples for the p-value (0 skips the resampling test).
    public var resamples: Int
    /// Seed of the resampling generator (same seed → same p-value).
    public var seed: UInt64

    /// Defaults: no bankroll, 10 000 resamples, seed 20 240 601.
    public init(startingBankroll: Int64? = nil, resamples: Int = 10_000, seed: UInt64 = 20_240_601) {
        self.startingBankroll = startingBankroll
        self.resamples = resamples
        self.seed = seed
    }
}

/// Why a performance report could not be computed.
public enum StatisticsError: Error, Equatable, Hashable, Sendable {
    /// The bet at this index has stake ≤ 0, invalid odds, a negative payout or a non-finite CLV.
    case invalidBet(index: Int)
    /// A starting bankroll ≤ 0.
    case invalidBankroll
    /// A negative resample count.
    case invalidResampleCount
    /// Sums of money exceed `Int64`.
    case overflow
}
