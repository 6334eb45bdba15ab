import Foundation
import Testing

@testable import MonPSCore

/// Kelly stake suggestions with the user's settings, alone and jointly with pending bets on other outcomes; the
/// worked values are those of `StakeSuggestionTests` (MonPSTests), here without the bets feature's types.
@Suite("Stake sizing")
struct StakeSizerTests {
    static func input(
        odds: Double, probability: Double, selection: String? = "home", balance: Int64 = 100_000, multiplier: Double = 0.25,
        maxShare: Double = 0.05, minEdge: Double = 0.02, joinable: [StakeSizingLeg<String>] = [], ignored: Int = 0
    ) -> StakeSizingInput<String> {
        StakeSizingInput(
            odds: odds, probability: probability, selection: selection, balance: balance, kellyMultiplier: multiplier,
            maxStakeShare: maxShare, minEdge: minEdge, joinable: joinable, ignored: ignored)
    }

    @Test func aBetAloneIsFractionalKellyRoundedDownAndCapped() throws {
        // Full Kelly (0.5·2.2 − 1)/1.2 = 1/12; a quarter of it of 100 000 = 2083.33 → 2083.
        let single = try StakeSizer.size(Self.input(odds: 2.2, probability: 0.5))
        #expect(single.stake == 2_083 && single.wealth == 100_000 && single.reasons.isEmpty)
        let capped = try StakeSizer.size(Self.input(odds: 2.2, probability: 0.5, multiplier: 1, minEdge: 0))
        #expect(capped.stake == 5_000 && capped.reasons.map(\.code) == [.cappedByMaxStake])
        #expect(try StakeSizer.size(Self.input(odds: 2.02, probability: 0.5)).reasons.map(\.code) == [.belowMinEdge])
        #expect(try StakeSizer.size(Self.input(odds: 1.9, probability: 0.5, minEdge: 0)).reasons.map(\.code) == [.noEdge])
        #expect(try StakeSizer.size(Self.input(odds: 2.2, probability: 0.5, balance: 40, minEdge: 0)).stake == 0)
    }

    @Test func otherOutcomesPendingAreSizedJointly() throws {
        // Home 2.2 (p 0.5, 3000 staked) and a new away bet at 4.4 (p 0.25): f_away = 1/14, f_home = 1/7 (full);
        // a quarter of them over 97 000 + 3000.
        let home = StakeSizingLeg(selection: "home", odds: 2.2, stake: 3_000, fairProbability: 0.5)
        let joint = try StakeSizer.size(
            Self.input(odds: 4.4, probability: 0.25, selection: "away", balance: 97_000, joinable: [home], ignored: 1))
        #expect(joint.stake == 1_785 && joint.wealth == 100_000)
        #expect(joint.reasons.map(\.code) == [.otherMarketsIgnored, .jointAllocation])
        #expect(joint.joint?.map(\.selection) == ["away", "home"])
        #expect(joint.joint?.map(\.targetStake) == [1_785, 3_571])
        // Without the other bet's probability: alone (⌊97 000 · 0.25 · 0.1/3.4⌋ = 713).
        let unknown = StakeSizingLeg(selection: "home", odds: 2.2, stake: 3_000, fairProbability: nil)
        let alone = try StakeSizer.size(
            Self.input(odds: 4.4, probability: 0.25, selection: "away", balance: 97_000, joinable: [unknown]))
        #expect(alone.stake == 713 && alone.reasons.map(\.code) == [.jointUnavailable])
        // The same outcome already staked beyond its target.
        let again = try StakeSizer.size(Self.input(odds: 2.2, probability: 0.5, balance: 97_000, joinable: [home]))
        #expect(again.stake == 0 && again.reasons.map(\.code) == [.alreadyCovered])
        // Exclusive outcomes whose probabilities sum above 1 cannot be sized.
        #expect(throws: StakeSizingError.self) {
            try StakeSizer.size(Self.input(odds: 4.4, probability: 0.6, selection: "away", balance: 97_000, joinable: [home]))
        }
    }
}
