import Foundation
import MonPSCore

/// What a stake suggestion is computed from (all values already resolved: price, fair probability, settings).
struct StakeSizingInput: Sendable, Equatable {
    var odds: Double
    var probability: Double
    /// The bet's market and selection; nil when it is not on a known event (no joint allocation then).
    var line: BetLine?
    /// The bankroll's balance (what can still be staked).
    var balance: Int64
    var kellyMultiplier: Double
    var maxStakeShare: Double
    var minEdge: Double
    /// The caller's pending bets on the same event and bankroll, each with the fair probability to use for it.
    var openLegs: [OpenBetLeg] = []
}

/// A stake suggestion and how it was reached.
struct StakeSizing: Sendable, Equatable {
    struct Leg: Sendable, Equatable {
        var selection: BetSelection
        var odds: Double
        var probability: Double
        var fraction: Double
        var targetStake: Int64
        var existingStake: Int64
        var isNew: Bool
    }

    enum ReasonCode: String, Sendable, CaseIterable {
        case noEdge = "no_edge"
        case belowMinEdge = "below_min_edge"
        case cappedByMaxStake = "capped_by_max_stake"
        case jointAllocation = "joint_allocation"
        case jointUnavailable = "joint_unavailable"
        case alreadyCovered = "already_covered"
        case limitedByBalance = "limited_by_balance"
        case roundedToZero = "rounded_to_zero"
        case otherMarketsIgnored = "other_markets_ignored"
    }

    struct Reason: Sendable, Equatable {
        var code: ReasonCode
        var message: String
    }

    /// p·O − 1 (the edge O/F − 1 is the same number).
    var expectedValue: Double
    var fullKellyFraction: Double
    /// The suggested stake as a share of `wealth`.
    var fraction: Double
    var stake: Int64
    /// stake × EV, minor units.
    var expectedProfit: Double
    /// The bankroll Kelly sizes against: balance + the stakes of the pending bets taken into account.
    var wealth: Int64
    /// The joint allocation, when pending bets on other outcomes of the market took part.
    var joint: [Leg]?
    var reasons: [Reason]
}

/// Kelly sizing with the user's settings, on top of MonPSCore's `Kelly` (rounding always down).
///
/// 1. EV = p·O − 1; no stake when EV ≤ 0 or EV < `minEdge`.
/// 2. Pending bets on other outcomes of the same market of the event that exclude this one with nothing refunded
///    (`BetLine.isJoinable`: 1X2/moneyline, half-point spreads and totals) join the new bet in one simultaneous
///    Kelly allocation (Smoczyński–Tomkins) over wealth W = balance + their stakes; several bets on one outcome act
///    as one at their stake-weighted price. Without them: single Kelly, W = balance (+ stakes already on this
///    outcome). Either way × the Kelly multiplier.
/// 3. target = ⌊f·W⌋; the suggestion is target − what is already staked on this outcome (never below 0),
///    then at most ⌊max_stake_share·W⌋ and at most the balance.
enum StakeSizer {
    static func size(_ input: StakeSizingInput) throws(BettingError) -> StakeSizing {
        let ev: Double
        let full: Double
        do {
            ev = try ValueAnalysis.expectedValue(decimalOdds: input.odds, fairProbability: input.probability)
            full = try Kelly.fullFraction(probability: input.probability, decimalOdds: input.odds)
        } catch {
            throw .validation(field: "probability", message: "must be between 0 and 1 (exclusive), with odds > 1")
        }
        var reasons: [StakeSizing.Reason] = []
        var joinable: [OpenBetLeg] = []
        if let line = input.line {
            joinable = input.openLegs.filter { line.isJoinable(with: $0.line) }
            let ignored = input.openLegs.count - joinable.count
            if ignored > 0 {
                reasons.append(.init(
                    code: .otherMarketsIgnored,
                    message: "\(ignored) pending bet(s) on this event are on other markets or lines (or can push) and were left out"))
            }
        }
        let selection = input.line?.selection
        let sameStake = joinable.filter { $0.line.selection == selection }.reduce(Int64(0)) { $0 + $1.stake }
        let others = groupOthers(joinable.filter { $0.line.selection != selection })

        guard ev > 0, ev >= input.minEdge else {
            reasons.append(ev > 0
                ? .init(code: .belowMinEdge, message: "the edge \(percent(ev)) is below your minimum of \(percent(input.minEdge))")
                : .init(code: .noEdge, message: "the price offers no edge (EV \(percent(ev)))"))
            return StakeSizing(
                expectedValue: ev, fullKellyFraction: full, fraction: 0, stake: 0, expectedProfit: 0,
                wealth: input.balance + sameStake, joint: nil, reasons: reasons)
        }

        var wealth = input.balance + sameStake
        var fraction: Double
        var target: Int64
        var joint: [StakeSizing.Leg]?
        do throws(KellyError) {
            if let selection, !others.isEmpty, others.allSatisfy({ $0.probability != nil }) {
                wealth += others.reduce(0) { $0 + $1.stake }
                let allocation = try Kelly.simultaneous(
                    probabilities: [input.probability] + others.map { $0.probability ?? 0 },
                    decimalOdds: [input.odds] + others.map(\.odds), multiplier: input.kellyMultiplier, cap: 1)
                let targets = try Kelly.stakes(fractions: allocation.fractions, bankroll: wealth)
                fraction = allocation.fractions[0]
                target = targets[0]
                joint = [StakeSizing.Leg(
                    selection: selection, odds: input.odds, probability: input.probability, fraction: fraction,
                    targetStake: target, existingStake: sameStake, isNew: true)]
                for (index, other) in others.enumerated() {
                    joint?.append(.init(
                        selection: other.selection, odds: other.odds, probability: other.probability ?? 0,
                        fraction: allocation.fractions[index + 1], targetStake: targets[index + 1],
                        existingStake: other.stake, isNew: false))
                }
                reasons.append(.init(
                    code: .jointAllocation,
                    message: "sized jointly with your pending bets on \(others.count) other outcome(s) of this market (simultaneous Kelly)"))
            } else {
                if !others.isEmpty {
                    reasons.append(.init(
                        code: .jointUnavailable,
                        message: "a pending bet on another outcome of this market has no fair probability; this bet was sized alone"))
                }
                fraction = try Kelly.fraction(
                    probability: input.probability, decimalOdds: input.odds, multiplier: input.kellyMultiplier, cap: 1)
                target = try Kelly.stake(fraction: fraction, bankroll: wealth)
            }
        } catch .probabilitiesExceedOne {
            throw .validation(
                field: "probability",
                message: "together with your pending bets' fair probabilities on this market it sums above 1")
        } catch {
            throw .validation(field: "probability", message: "cannot be sized with Kelly: \(error)")
        }

        var stake = max(0, target - sameStake)
        if sameStake > 0 && target <= sameStake {
            reasons.append(.init(
                code: .alreadyCovered,
                message: "your pending stake of \(sameStake) on this outcome already meets the target of \(target)"))
        }
        let cap = (try? Kelly.stake(fraction: min(1, input.maxStakeShare), bankroll: wealth)) ?? 0
        if stake > cap {
            stake = cap
            reasons.append(.init(
                code: .cappedByMaxStake, message: "capped at your maximum of \(percent(input.maxStakeShare)) of the bankroll"))
        }
        if stake > input.balance {
            stake = input.balance
            reasons.append(.init(code: .limitedByBalance, message: "limited to the balance of \(input.balance)"))
        }
        if stake == 0 && target == 0 && fraction > 0 {
            reasons.append(.init(code: .roundedToZero, message: "the Kelly stake rounds down to less than one minor unit"))
        }
        return StakeSizing(
            expectedValue: ev, fullKellyFraction: full,
            fraction: wealth > 0 ? Double(stake) / Double(wealth) : 0, stake: stake,
            expectedProfit: Double(stake) * ev, wealth: wealth, joint: joint, reasons: reasons)
    }

    /// Other outcomes' pending bets, one entry per outcome (first-seen order) at the stake-weighted price.
    private static func groupOthers(_ legs: [OpenBetLeg])
        -> [(selection: BetSelection, odds: Double, probability: Double?, stake: Int64)]
    {
        var order: [BetSelection] = []
        var grouped: [BetSelection: (weighted: Double, stake: Int64, probability: Double?)] = [:]
        for leg in legs {
            let selection = leg.line.selection
            if grouped[selection] == nil { order.append(selection) }
            var entry = grouped[selection] ?? (0, 0, leg.fairProbability)
            entry.weighted += Double(leg.stake) * leg.odds
            entry.stake += leg.stake
            entry.probability = entry.probability ?? leg.fairProbability
            grouped[selection] = entry
        }
        return order.compactMap { selection in
            grouped[selection].map { (selection, $0.weighted / Double($0.stake), $0.probability, $0.stake) }
        }
    }

    private static func percent(_ share: Double) -> String {
        String(format: "%.2f%%", share * 100)
    }
}
