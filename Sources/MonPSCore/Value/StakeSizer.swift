import Foundation

/// A pending bet that joins a new one in a simultaneous Kelly allocation: another outcome of the same market that
/// excludes the new bet with nothing refunded (the caller decides which bets qualify), or the same outcome.
public struct StakeSizingLeg<Selection: Hashable & Sendable>: Sendable, Equatable {
    public var selection: Selection
    public var odds: Double
    public var stake: Int64
    /// The fair probability to size it with; nil when none is known (no joint allocation then).
    public var fairProbability: Double?

    public init(selection: Selection, odds: Double, stake: Int64, fairProbability: Double?) {
        self.selection = selection
        self.odds = odds
        self.stake = stake
        self.fairProbability = fairProbability
    }
}

/// What a stake suggestion is computed from (all values already resolved: price, fair probability, settings).
public struct StakeSizingInput<Selection: Hashable & Sendable>: Sendable, Equatable {
    public var odds: Double
    public var probability: Double
    /// The bet's selection; nil when it is not on a known market (no joint allocation then).
    public var selection: Selection?
    /// The bankroll's balance (what can still be staked).
    public var balance: Int64
    public var kellyMultiplier: Double
    public var maxStakeShare: Double
    public var minEdge: Double
    /// The pending bets that can join this one (`StakeSizingLeg`).
    public var joinable: [StakeSizingLeg<Selection>]
    /// Pending bets on the same event that cannot (other markets or lines, or they can push): only reported.
    public var ignored: Int

    public init(
        odds: Double, probability: Double, selection: Selection?, balance: Int64, kellyMultiplier: Double,
        maxStakeShare: Double, minEdge: Double, joinable: [StakeSizingLeg<Selection>] = [], ignored: Int = 0
    ) {
        self.odds = odds
        self.probability = probability
        self.selection = selection
        self.balance = balance
        self.kellyMultiplier = kellyMultiplier
        self.maxStakeShare = maxStakeShare
        self.minEdge = minEdge
        self.joinable = joinable
        self.ignored = ignored
    }
}

/// Why a suggestion is what it is.
public struct StakeSizingReason: Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
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

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

/// A stake suggestion and how it was reached.
public struct StakeSizing<Selection: Hashable & Sendable>: Sendable, Equatable {
    public struct Leg: Sendable, Equatable {
        public var selection: Selection
        public var odds: Double
        public var probability: Double
        public var fraction: Double
        public var targetStake: Int64
        public var existingStake: Int64
        public var isNew: Bool
    }

    /// p·O − 1 (the edge O/F − 1 is the same number).
    public var expectedValue: Double
    public var fullKellyFraction: Double
    /// The suggested stake as a share of `wealth`.
    public var fraction: Double
    public var stake: Int64
    /// stake × EV, minor units.
    public var expectedProfit: Double
    /// The bankroll Kelly sizes against: balance + the stakes of the pending bets taken into account.
    public var wealth: Int64
    /// The joint allocation, when pending bets on other outcomes of the market took part.
    public var joint: [Leg]?
    public var reasons: [StakeSizingReason]
}

/// A suggestion that cannot be computed: the probability (with the pending bets' on the market) does not allow it.
public struct StakeSizingError: Error, Sendable, Equatable {
    public var message: String
}

/// Kelly sizing with the user's settings, on top of `Kelly` (rounding always down).
///
/// 1. EV = p·O − 1; no stake when EV ≤ 0 or EV < `minEdge`.
/// 2. The joinable pending bets on other outcomes join the new bet in one simultaneous Kelly allocation
///    (Smoczyński–Tomkins) over wealth W = balance + their stakes; several bets on one outcome act as one at their
///    stake-weighted price. Without them: single Kelly, W = balance (+ stakes already on this outcome). Either way
///    × the Kelly multiplier.
/// 3. target = ⌊f·W⌋; the suggestion is target − what is already staked on this outcome (never below 0),
///    then at most ⌊max_stake_share·W⌋ and at most the balance.
public enum StakeSizer {
    public static func size<Selection>(_ input: StakeSizingInput<Selection>) throws(StakeSizingError)
        -> StakeSizing<Selection>
    {
        typealias Reason = StakeSizingReason
        let ev: Double
        let full: Double
        do {
            ev = try ValueAnalysis.expectedValue(decimalOdds: input.odds, fairProbability: input.probability)
            full = try Kelly.fullFraction(probability: input.probability, decimalOdds: input.odds)
        } catch {
            throw StakeSizingError(message: "must be between 0 and 1 (exclusive), with odds > 1")
        }
        var reasons: [Reason] = []
        if input.ignored > 0 {
            reasons.append(.init(
                code: .otherMarketsIgnored,
                message: "\(input.ignored) pending bet(s) on this event are on other markets or lines (or can push) and were left out"))
        }
        let joinable = input.selection == nil ? [] : input.joinable
        let selection = input.selection
        let sameStake = joinable.filter { $0.selection == selection }.reduce(Int64(0)) { $0 + $1.stake }
        let others = groupOthers(joinable.filter { $0.selection != selection })
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
        var joint: [StakeSizing<Selection>.Leg]?
        do throws(KellyError) {
            if let selection, !others.isEmpty, others.allSatisfy({ $0.probability != nil }) {
                wealth += others.reduce(0) { $0 + $1.stake }
                let allocation = try Kelly.simultaneous(
                    probabilities: [input.probability] + others.map { $0.probability ?? 0 },
                    decimalOdds: [input.odds] + others.map(\.odds), multiplier: input.kellyMultiplier, cap: 1)
                let targets = try Kelly.stakes(fractions: allocation.fractions, bankroll: wealth)
                fraction = allocation.fractions[0]
                target = targets[0]
                joint = [StakeSizing<Selection>.Leg(
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
            throw StakeSizingError(message: "together with your pending bets' fair probabilities on this market it sums above 1")
        } catch {
            throw StakeSizingError(message: "cannot be sized with Kelly: \(error)")
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
    private static func groupOthers<Selection>(_ legs: [StakeSizingLeg<Selection>])
        -> [(selection: Selection, odds: Double, probability: Double?, stake: Int64)]
    {
        var order: [Selection] = []
        var grouped: [Selection: (weighted: Double, stake: Int64, probability: Double?)] = [:]
        for leg in legs {
            let selection = leg.selection
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
