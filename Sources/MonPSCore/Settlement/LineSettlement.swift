/// Grading of stakes split into parts that each win, push or lose, and of handicap/totals lines.
///
/// Quarter lines (`4·line` odd) split the stake in two halves on the neighbouring lines
/// `line − 0.25` and `line + 0.25`. For an odd stake in minor units, the **first half (the
/// numerically lower line, `line − 0.25`) gets `⌊stake/2⌋` and the second half (`line + 0.25`)
/// gets the rest**. Each half is graded on its own; money is then paid as
/// `⌊(winning stake) × odds⌋ + (pushed stake)` (see ``Money`` for the rounding rule).
enum LineSettlement {
    /// Result of one part of a stake.
    enum PartResult: Equatable {
        case win, push, loss

        init(adjusted: Double) {
            self = adjusted > 0 ? .win : (adjusted == 0 ? .push : .loss)
        }
    }

    /// Largest accepted |line|.
    static let maxLine = 1000.0

    /// Checks that `line` is a finite multiple of 0.25 within ±``maxLine`` (and ≥ 0 for totals).
    static func validate(line: Double, allowNegative: Bool) throws(SettlementError) {
        guard line.isFinite, abs(line) <= maxLine, (line * 4).rounded() == line * 4,
            allowNegative || line >= 0
        else { throw .invalidLine(line) }
    }

    /// Grades a line market. `adjusted(l)` is the backed selection's margin after applying line
    /// `l`: `margin + l` for a handicap, `total − l` for over, `l − total` for under.
    static func gradeLine(
        stake: Int64, decimalOdds: Double, line: Double, adjusted: (Double) -> Double
    ) throws(SettlementError) -> SettlementResult {
        let isQuarter = Int((line * 4).rounded()) % 2 != 0
        guard isQuarter else {
            return try grade(
                stake: stake, decimalOdds: decimalOdds,
                parts: [(stake, PartResult(adjusted: adjusted(line)))])
        }
        let first = stake / 2
        return try grade(
            stake: stake, decimalOdds: decimalOdds,
            parts: [
                (first, PartResult(adjusted: adjusted(line - 0.25))),
                (stake - first, PartResult(adjusted: adjusted(line + 0.25))),
            ])
    }

    /// Pays parts of a stake and labels the whole.
    ///
    /// Labels come from the part results, not their sizes (a 1-unit stake split 0/1 is still
    /// half-won): all win → won, all lose → lost, all push → push, win+push → half-won,
    /// lose+push → half-lost. Win+lose cannot occur for integer scores on halves 0.5 apart.
    static func grade(
        stake: Int64, decimalOdds: Double, parts: [(Int64, PartResult)]
    ) throws(SettlementError) -> SettlementResult {
        var winStake: Int64 = 0, pushStake: Int64 = 0
        var wins = 0, pushes = 0, losses = 0
        for (amount, result) in parts {
            switch result {
            case .win: winStake += amount; wins += 1
            case .push: pushStake += amount; pushes += 1
            case .loss: losses += 1
            }
        }
        let outcome: BetOutcome
        if losses == 0 && pushes == 0 {
            outcome = .won
        } else if wins == 0 && pushes == 0 {
            outcome = .lost
        } else if wins == 0 && losses == 0 {
            outcome = .push
        } else if wins > 0 {
            outcome = .halfWon
        } else {
            outcome = .halfLost
        }
        let winnings = try Settler.payout(stake: winStake, decimalOdds: decimalOdds, divisor: 1)
        return SettlementResult(outcome: outcome, stake: stake, payout: winnings + pushStake)
    }
}
