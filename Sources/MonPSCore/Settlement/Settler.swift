/// Grades bets against event results.
///
/// Money rule: payouts are `⌊stake × odds⌋` in minor units with odds quantised to 10⁻⁶ (see
/// ``Money``), i.e. **rounded down to the minor unit**; a void or push returns the stake exactly.
///
/// Rules by status:
/// - not started / in progress → ``SettlementDecision/pending(_:)``.
/// - cancelled / postponed → pending until `scheduledStart + rules.voidDelaySeconds`, void from
///   that instant on (`now ≥ voidAt`).
/// - completed → graded on the market's ``ScoreBasis``: 1X2; moneyline (tie → push); draw no bet
///   (draw → push); double chance; handicap `margin + line`; totals `total − line` (over) or
///   `line − total` (under); whole lines push on 0, half lines never push, quarter lines split
///   (see `LineSettlement`).
/// - tennis retirement → match-winner bets follow ``SettlementRules/tennisRetirement``; every
///   other market is void. Walkover → void for all markets.
/// - outright result → won if the selection is among the winners, paid at full odds on
///   `stake / (number of tied winners)` (dead heat, the remaining stake is lost); lost otherwise;
///   void when no winner is declared.
public enum Settler {
    /// Grades `bet` given what is known about the event at time `now` (epoch seconds).
    /// - Throws: ``SettlementError`` for invalid input (stake ≤ 0, odds, line, negative score,
    ///   market/status mismatch) or a payout beyond `Int64`.
    public static func settle(
        _ bet: BetSlip, status: EventStatus, rules: SettlementRules = SettlementRules(), now: Int64
    ) throws(SettlementError) -> SettlementDecision {
        guard bet.stake > 0 else { throw .invalidStake }
        guard Odds.isValidDecimal(bet.decimalOdds), bet.decimalOdds <= Money.maxPayoutOdds else {
            throw .invalidOdds
        }
        switch bet.market {
        case .handicap(_, let line, _):
            try LineSettlement.validate(line: line, allowNegative: true)
        case .total(_, let line, _):
            try LineSettlement.validate(line: line, allowNegative: false)
        default:
            break
        }
        let isOutright = if case .outright = bet.market { true } else { false }

        switch status {
        case .notStarted, .inProgress:
            return .pending(.eventNotFinished)
        case .cancelled(let start), .postponed(let start):
            // A negative delay counts as 0; saturate instead of overflowing.
            let (sum, overflow) = start.addingReportingOverflow(max(0, rules.voidDelaySeconds))
            let voidAt = overflow ? Int64.max : sum
            return now >= voidAt ? .settled(void(bet)) : .pending(.awaitingVoidDelay(voidAt: voidAt))
        case .completed(let score):
            guard !isOutright else { throw .marketNotApplicable }
            guard score.regulation.home >= 0, score.regulation.away >= 0, score.final.home >= 0,
                score.final.away >= 0
            else { throw .invalidScore }
            return .settled(try grade(bet, score: score))
        case .retired(let advancing, let completedSets):
            guard !isOutright else { throw .marketNotApplicable }
            guard completedSets >= 0 else { throw .invalidScore }
            guard case .moneyline(let side, _) = bet.market else { return .settled(void(bet)) }
            let stands: Bool
            switch rules.tennisRetirement {
            case .voidUnlessCompleted: stands = false
            case .advancingPlayerWins: stands = true
            case .completedSetRule: stands = completedSets >= 1
            }
            guard stands else { return .settled(void(bet)) }
            return .settled(try simple(bet, side == advancing ? .win : .loss))
        case .walkover:
            guard !isOutright else { throw .marketNotApplicable }
            return .settled(void(bet))
        case .outrightResult(let winners):
            guard case .outright(let selection) = bet.market else { throw .marketNotApplicable }
            let tied = Set(winners)
            if tied.isEmpty { return .settled(void(bet)) }
            guard tied.contains(selection) else { return .settled(try simple(bet, .loss)) }
            let payout = try payout(
                stake: bet.stake, decimalOdds: bet.decimalOdds, divisor: Int64(tied.count))
            return .settled(
                SettlementResult(
                    outcome: .won, stake: bet.stake, payout: payout, deadHeatDivisor: tied.count))
        }
    }

    /// Grades a score market on a completed event.
    private static func grade(_ bet: BetSlip, score: EventScore) throws(SettlementError)
        -> SettlementResult
    {
        switch bet.market {
        case .matchResult(let selection, let basis):
            let m = score.score(for: basis).margin
            let result: MatchResultSelection = m > 0 ? .home : (m == 0 ? .draw : .away)
            return try simple(bet, result == selection ? .win : .loss)
        case .moneyline(let side, let basis), .drawNoBet(let side, let basis):
            let m = sideMargin(score.score(for: basis), side)
            return try simple(bet, LineSettlement.PartResult(adjusted: Double(m)))
        case .doubleChance(let selection, let basis):
            let m = score.score(for: basis).margin
            let wins: Bool
            switch selection {
            case .homeOrDraw: wins = m >= 0
            case .homeOrAway: wins = m != 0
            case .drawOrAway: wins = m <= 0
            }
            return try simple(bet, wins ? .win : .loss)
        case .handicap(let side, let line, let basis):
            let m = Double(sideMargin(score.score(for: basis), side))
            return try LineSettlement.gradeLine(
                stake: bet.stake, decimalOdds: bet.decimalOdds, line: line) { m + $0 }
        case .total(let overUnder, let line, let basis):
            let t = Double(score.score(for: basis).total)
            return try LineSettlement.gradeLine(
                stake: bet.stake, decimalOdds: bet.decimalOdds, line: line
            ) { overUnder == .over ? t - $0 : $0 - t }
        case .outright:
            throw .marketNotApplicable  // Filtered out by the caller; kept for exhaustiveness.
        }
    }

    private static func sideMargin(_ score: FinalScore, _ side: Side) -> Int {
        side == .home ? score.margin : -score.margin
    }

    private static func simple(_ bet: BetSlip, _ result: LineSettlement.PartResult)
        throws(SettlementError) -> SettlementResult
    {
        try LineSettlement.grade(
            stake: bet.stake, decimalOdds: bet.decimalOdds, parts: [(bet.stake, result)])
    }

    private static func void(_ bet: BetSlip) -> SettlementResult {
        SettlementResult(outcome: .void, stake: bet.stake, payout: bet.stake)
    }

    /// ``Money/payout(stake:decimalOdds:divisor:)`` with its errors mapped.
    static func payout(stake: Int64, decimalOdds: Double, divisor: Int64) throws(SettlementError)
        -> Int64
    {
        do throws(MoneyError) {
            return try Money.payout(stake: stake, decimalOdds: decimalOdds, divisor: divisor)
        } catch {
            switch error {
            case .overflow: throw .overflow
            case .invalidStake: throw .invalidStake
            case .invalidOdds, .invalidDivisor: throw .invalidOdds
            }
        }
    }
}
