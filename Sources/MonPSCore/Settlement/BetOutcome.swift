/// How a bet was graded.
public enum BetOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// The whole stake won at the bet's odds.
    case won
    /// Half the stake won at the odds, the other half returned (quarter lines).
    case halfWon = "half_won"
    /// The stake returned.
    case push
    /// Half the stake returned, the other half lost (quarter lines).
    case halfLost = "half_lost"
    /// The whole stake lost.
    case lost
    /// The bet was cancelled: stake returned (no action).
    case void
}

/// A graded bet with exact money in minor units.
public struct SettlementResult: Sendable, Equatable, Hashable, Codable {
    /// The grade.
    public let outcome: BetOutcome
    /// The stake in minor units.
    public let stake: Int64
    /// Gross return in minor units (stake included); 0 for a lost bet.
    public let payout: Int64
    /// `payout − stake`.
    public let profit: Int64
    /// Number of selections that tied in a dead heat (1 when there was none).
    public let deadHeatDivisor: Int

    /// Creates a result; ``profit`` is derived from `payout − stake`.
    public init(outcome: BetOutcome, stake: Int64, payout: Int64, deadHeatDivisor: Int = 1) {
        self.outcome = outcome
        self.stake = stake
        self.payout = payout
        self.profit = payout - stake
        self.deadHeatDivisor = deadHeatDivisor
    }
}

/// Either a final grade or the reason the bet cannot be graded yet.
public enum SettlementDecision: Sendable, Equatable, Hashable, Codable {
    /// The bet is graded.
    case settled(SettlementResult)
    /// The bet cannot be graded yet.
    case pending(PendingReason)

    /// The result when settled, else `nil`.
    public var result: SettlementResult? {
        if case .settled(let result) = self { return result }
        return nil
    }
}

/// Why a bet is not settleable yet.
public enum PendingReason: Sendable, Equatable, Hashable, Codable {
    /// The event has not started or is still in play.
    case eventNotFinished
    /// The event is cancelled or postponed; bets are voided at `voidAt` (epoch seconds) unless it
    /// is played (and reported as completed) before then.
    case awaitingVoidDelay(voidAt: Int64)
}

/// Why a bet could not be graded.
public enum SettlementError: Error, Equatable, Hashable, Sendable {
    /// Stake ≤ 0.
    case invalidStake
    /// Decimal odds not finite, not > 1, or too large for exact money arithmetic.
    case invalidOdds
    /// A handicap/total line that is not a finite multiple of 0.25 within ±1000
    /// (totals must also be ≥ 0).
    case invalidLine(Double)
    /// A score below 0.
    case invalidScore
    /// The event status cannot grade this market (e.g. an outright bet against a match score).
    case marketNotApplicable
    /// The payout does not fit in `Int64` minor units.
    case overflow
}
