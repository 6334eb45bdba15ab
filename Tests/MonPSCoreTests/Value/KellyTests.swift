import Testing

@testable import MonPSCore

@Suite("Kelly staking")
struct KellyTests {
    @Test func singleBetHandValues() throws {
        // p = 0.5, O = 2.2: f* = (0.5·2.2 − 1)/(2.2 − 1) = 0.1/1.2 = 1/12.
        expectClose(try Kelly.fullFraction(probability: 0.5, decimalOdds: 2.2), 1.0 / 12.0, 1e-15)
        expectClose(try Kelly.fraction(probability: 0.5, decimalOdds: 2.2, multiplier: 0.5), 1.0 / 24.0, 1e-15)
        // The cap wins over λ·f* = 1/24 ≈ 0.0417.
        #expect(try Kelly.fraction(probability: 0.5, decimalOdds: 2.2, multiplier: 0.5, cap: 0.02) == 0.02)
        // p = 0.4, O = 2.2: p·O = 0.88 < 1, no bet; p·O = 1 exactly (0.5 @ 2.0) is no bet either.
        #expect(try Kelly.fullFraction(probability: 0.4, decimalOdds: 2.2) == 0)
        #expect(try Kelly.fraction(probability: 0.5, decimalOdds: 2.0) == 0)
        // Over-betting multiplier is allowed but still capped.
        #expect(try Kelly.fraction(probability: 0.9, decimalOdds: 2.0, multiplier: 3, cap: 1) == 1)
    }

    @Test func singleBetErrors() {
        #expect(throws: KellyError.invalidProbability(index: 0)) { try Kelly.fullFraction(probability: 1, decimalOdds: 2) }
        #expect(throws: KellyError.invalidProbability(index: 0)) { try Kelly.fullFraction(probability: .nan, decimalOdds: 2) }
        #expect(throws: KellyError.invalidOdds(index: 0)) { try Kelly.fullFraction(probability: 0.5, decimalOdds: 1) }
        #expect(throws: KellyError.invalidMultiplier) { try Kelly.fraction(probability: 0.5, decimalOdds: 3, multiplier: 0) }
        #expect(throws: KellyError.invalidMultiplier) { try Kelly.fraction(probability: 0.5, decimalOdds: 3, multiplier: .infinity) }
        #expect(throws: KellyError.invalidCap) { try Kelly.fraction(probability: 0.5, decimalOdds: 3, cap: 0) }
        #expect(throws: KellyError.invalidCap) { try Kelly.fraction(probability: 0.5, decimalOdds: 3, cap: 1.01) }
    }

    /// Smoczyński–Tomkins worked by hand. p = (0.5, 0.3, 0.2), O = (2.1, 3.4, 3.6).
    /// Expected revenues p·O = 1.05, 1.02, 0.72 (already descending).
    /// - Start R = 1. A: 1.05 > 1 → set {A}, R = (1 − 0.5)/(1 − 10/21) = 0.5·21/11 = 21/22 ≈ 0.9545.
    /// - B: 1.02 > 0.9545 → set {A, B}, 1 − 10/21 − 5/17 = (357 − 170 − 105)/357 = 82/357,
    ///   R = 0.2 · 357/82 = 357/410 ≈ 0.870732.
    /// - C: 0.72 < 0.8707 → stop.
    /// f_A = 1/2 − (357/410)(10/21) = 1/2 − 17/41 = 7/82 ≈ 0.085366;
    /// f_B = 3/10 − (357/410)(5/17) = 3/10 − 21/82 = 9/205 ≈ 0.043902; f_C = 0.
    /// (Single Kelly on A alone would be 0.05/1.1 ≈ 0.04545: backing B as well hedges A.)
    @Test func simultaneousWorkedExample() throws {
        let allocation = try Kelly.simultaneous(probabilities: [0.5, 0.3, 0.2], decimalOdds: [2.1, 3.4, 3.6])
        expectClose(allocation.fullKellyFractions, [7.0 / 82.0, 9.0 / 205.0, 0], 1e-15)
        expectClose(allocation.fractions, [7.0 / 82.0, 9.0 / 205.0, 0], 1e-15)
        expectClose(allocation.reserveRate, 357.0 / 410.0, 1e-15)
        expectClose(allocation.total, 53.0 / 410.0, 1e-15)
        #expect(!allocation.capped)

        // Same outcomes given in another order: same fractions, input order kept.
        let shuffled = try Kelly.simultaneous(probabilities: [0.2, 0.5, 0.3], decimalOdds: [3.6, 2.1, 3.4])
        expectClose(shuffled.fractions, [0, 7.0 / 82.0, 9.0 / 205.0], 1e-15)
    }

    @Test func simultaneousFractionAndCap() throws {
        // Half Kelly: halves of 7/82 and 9/205; total 53/820 ≈ 0.0646 < cap.
        let half = try Kelly.simultaneous(
            probabilities: [0.5, 0.3, 0.2], decimalOdds: [2.1, 3.4, 3.6], multiplier: 0.5, cap: 0.1)
        expectClose(half.fractions, [7.0 / 164.0, 9.0 / 410.0, 0], 1e-15)
        #expect(!half.capped)
        // Full Kelly capped at 5%: total 53/410 scaled to 0.05 keeping proportions 35 : 18,
        // i.e. 0.05·35/53 = 1.75/53 and 0.05·18/53 = 0.9/53.
        let capped = try Kelly.simultaneous(
            probabilities: [0.5, 0.3, 0.2], decimalOdds: [2.1, 3.4, 3.6], cap: 0.05)
        expectClose(capped.fractions, [1.75 / 53.0, 0.9 / 53.0, 0], 1e-15)
        expectClose(capped.total, 0.05, 1e-15)
        #expect(capped.capped)
    }

    @Test func simultaneousSingleOutcomeEqualsSingleKelly() throws {
        // p·O = 1.1 and 0.85: only A enters, R = 0.5/(1 − 1/2.2) = 11/12, f_A = 0.5 − (11/12)/2.2 = 1/12.
        let allocation = try Kelly.simultaneous(probabilities: [0.5, 0.5], decimalOdds: [2.2, 1.7])
        expectClose(allocation.fractions, [1.0 / 12.0, 0], 1e-15)
        expectClose(allocation.reserveRate, 11.0 / 12.0, 1e-15)
    }

    @Test func simultaneousArbitrageAndNoEdge() throws {
        // 2.1 / 2.1 is an arbitrage (booksum 0.952): A enters (R = 21/22), then B (1.05 > R),
        // R = 0/(1 − 2/2.1) = 0, so f_i = p_i.
        let arb = try Kelly.simultaneous(probabilities: [0.5, 0.5], decimalOdds: [2.1, 2.1])
        expectClose(arb.fractions, [0.5, 0.5], 1e-15)
        #expect(arb.reserveRate == 0)
        // p·O = 0.96 everywhere: no bet, R stays 1.
        let none = try Kelly.simultaneous(probabilities: [0.4, 0.3, 0.3], decimalOdds: [2.4, 3.2, 3.2])
        #expect(none.fractions == [0, 0, 0] && none.reserveRate == 1 && none.total == 0)
        // Outcomes not offered (Σ p = 0.8): a single priced outcome with edge, as single Kelly.
        let partial = try Kelly.simultaneous(probabilities: [0.8], decimalOdds: [1.5])
        expectClose(partial.fractions, [0.2 / 0.5], 1e-15)  // (0.8·1.5 − 1)/0.5 = 0.4
    }

    @Test func simultaneousPartialMarket() throws {
        // Two of three outcomes priced (Σ p = 0.99), p = (0.6, 0.39), O = (1.8, 2.4): p·O = 1.08, 0.936.
        // A: R = 0.4/(1 − 1/1.8) = 0.9. B: 0.936 > 0.9, 1 − 1/1.8 − 1/2.4 = 0.027778 > 0:
        // R = 0.01/0.027778 = 0.36; f = (0.6 − 0.36/1.8, 0.39 − 0.36/2.4) = (0.4, 0.24).
        let allocation = try Kelly.simultaneous(probabilities: [0.6, 0.39], decimalOdds: [1.8, 2.4])
        expectClose(allocation.reserveRate, 0.36, 1e-12)
        expectClose(allocation.fractions, [0.4, 0.24], 1e-12)
        // p = (0.6, 0.4), O = (1.8, 2.25): p·O = 1.08, 0.9 and R = 0.9 after A: only A,
        // f_A = (0.6·1.8 − 1)/0.8 = 0.1.
        let full = try Kelly.simultaneous(probabilities: [0.6, 0.4], decimalOdds: [1.8, 2.25])
        expectClose(full.fractions, [0.1, 0], 1e-12)
    }

    @Test func simultaneousDenominatorGuard() throws {
        // Σ p = 1 + 5e-10 (inside the 1e-9 tolerance) lets B pass p·O > R (0.9000000011 > 0.9)
        // although 1 − 1/1.8 − 1/2.25 = 0: B must stay out instead of dividing by zero.
        let allocation = try Kelly.simultaneous(probabilities: [0.6, 0.4 + 5e-10], decimalOdds: [1.8, 2.25])
        expectClose(allocation.fractions, [0.1, 0], 1e-12)
        expectClose(allocation.reserveRate, 0.9, 1e-12)
    }

    @Test func simultaneousErrors() {
        #expect(throws: KellyError.countMismatch) { try Kelly.simultaneous(probabilities: [0.5], decimalOdds: [2, 3]) }
        #expect(throws: KellyError.countMismatch) { try Kelly.simultaneous(probabilities: [], decimalOdds: []) }
        #expect(throws: KellyError.probabilitiesExceedOne) {
            try Kelly.simultaneous(probabilities: [0.6, 0.5], decimalOdds: [2, 3])
        }
        #expect(throws: KellyError.invalidProbability(index: 1)) {
            try Kelly.simultaneous(probabilities: [0.6, 0], decimalOdds: [2, 3])
        }
        #expect(throws: KellyError.invalidOdds(index: 1)) {
            try Kelly.simultaneous(probabilities: [0.6, 0.3], decimalOdds: [2, 0.5])
        }
        #expect(throws: KellyError.invalidCap) {
            try Kelly.simultaneous(probabilities: [0.6, 0.3], decimalOdds: [2, 3], cap: -1)
        }
    }

    @Test func stakesRoundDown() throws {
        // 1.75/53 of €1 000.00 (100 000 cents) = 3301.886… cents → 3301; whole euros → 3300.
        #expect(try Kelly.stake(fraction: 1.75 / 53.0, bankroll: 100_000) == 3301)
        #expect(try Kelly.stake(fraction: 1.75 / 53.0, bankroll: 100_000, stakeUnit: 100) == 3300)
        // Below one unit: no bet.
        #expect(try Kelly.stake(fraction: 0.0099, bankroll: 10_000, stakeUnit: 100) == 0)
        #expect(try Kelly.stake(fraction: 0, bankroll: 10_000) == 0)
        #expect(try Kelly.stake(fraction: 1, bankroll: 10_000) == 10_000)
        #expect(try Kelly.stake(fraction: 1, bankroll: .max) == .max)
        #expect(try Kelly.stake(fraction: 0.5, bankroll: 0) == 0)
        let stakes = try Kelly.stakes(fractions: [7.0 / 82.0, 9.0 / 205.0, 0], bankroll: 1_000_000)
        // 85 365.85… → 85 365; 43 902.43… → 43 902.
        #expect(stakes == [85_365, 43_902, 0])
    }

    @Test func stakeErrors() {
        #expect(throws: KellyError.invalidFraction) { try Kelly.stake(fraction: 1.5, bankroll: 100) }
        #expect(throws: KellyError.invalidFraction) { try Kelly.stake(fraction: -0.1, bankroll: 100) }
        #expect(throws: KellyError.invalidFraction) { try Kelly.stake(fraction: .nan, bankroll: 100) }
        #expect(throws: KellyError.invalidBankroll) { try Kelly.stake(fraction: 0.1, bankroll: -1) }
        #expect(throws: KellyError.invalidStakeUnit) { try Kelly.stake(fraction: 0.1, bankroll: 100, stakeUnit: 0) }
        #expect(throws: KellyError.invalidFraction) { try Kelly.stakes(fractions: [0.6, 0.6], bankroll: 100) }
    }
}
