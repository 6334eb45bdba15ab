import Foundation
import MonPSCore

/// A stake suggestion's inputs in the bets feature's terms: the bet's line and the caller's pending bets on the event.
struct BetStakeInput: Sendable, Equatable {
    var odds: Double
    var probability: Double
    /// The bet's market and selection; nil when it is not on a known event (no joint allocation then).
    var line: BetLine?
    var balance: Int64
    var kellyMultiplier: Double
    var maxStakeShare: Double
    var minEdge: Double
    /// The caller's pending bets on the same event and bankroll, each with the fair probability to use for it.
    var openLegs: [OpenBetLeg] = []
}

/// MonPSCore's `StakeSizer` for a bet: the pending bets that exclude it with nothing refunded (`BetLine.isJoinable`:
/// 1X2/moneyline, half-point spreads and totals) are sized jointly with it, the others only reported.
enum BetStakeSizer {
    static func size(_ input: BetStakeInput) throws(BettingError) -> StakeSizing<BetSelection> {
        let joinable = input.line.map { line in input.openLegs.filter { line.isJoinable(with: $0.line) } } ?? []
        let core = StakeSizingInput(
            odds: input.odds, probability: input.probability, selection: input.line?.selection, balance: input.balance,
            kellyMultiplier: input.kellyMultiplier, maxStakeShare: input.maxStakeShare, minEdge: input.minEdge,
            joinable: joinable.map {
                StakeSizingLeg(selection: $0.line.selection, odds: $0.odds, stake: $0.stake, fairProbability: $0.fairProbability)
            },
            ignored: input.line == nil ? 0 : input.openLegs.count - joinable.count)
        do {
            return try StakeSizer.size(core)
        } catch {
            throw .validation(field: "probability", message: error.message)
        }
    }
}
