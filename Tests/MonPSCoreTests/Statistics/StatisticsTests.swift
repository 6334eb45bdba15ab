import Foundation
import Testing

@testable import MonPSCore

@Suite("Performance statistics")
struct StatisticsTests {
    /// A hand-checked record (placedAt order). Profit per bet and x = profit/stake:
    /// 1 won 100@2.0 +100 (x 1) · 2 lost 100@3.0 −100 (−1) · 3 won 200@1.5 +100 (0.5) ·
    /// 4 push 100@2.0 0 (0) · 5 half-won 100@1.9 ⌊50·1.9⌋ + 50 = 145, +45 (0.45) ·
    /// 6 void 100@2.5 (excluded) · 7 half-lost 100@2.2 50, −50 (−0.5) · 8 lost 100@4.0 −100 (−1).
    static let record: [SettledBet] = [
        SettledBet(stake: 100, decimalOdds: 2.0, payout: 200, outcome: .won, placedAt: 10, clv: 0.05),
        SettledBet(stake: 100, decimalOdds: 3.0, payout: 0, outcome: .lost, placedAt: 20, clv: -0.02),
        SettledBet(stake: 200, decimalOdds: 1.5, payout: 300, outcome: .won, placedAt: 30, clv: 0.10),
        SettledBet(stake: 100, decimalOdds: 2.0, payout: 100, outcome: .push, placedAt: 40),
        SettledBet(stake: 100, decimalOdds: 1.9, payout: 145, outcome: .halfWon, placedAt: 50),
        SettledBet(stake: 100, decimalOdds: 2.5, payout: 100, outcome: .void, placedAt: 60, clv: 0.5),
        SettledBet(stake: 100, decimalOdds: 2.2, payout: 50, outcome: .halfLost, placedAt: 70),
        SettledBet(stake: 100, decimalOdds: 4.0, payout: 0, outcome: .lost, placedAt: 80),
    ]

    @Test func handCheckedRecord() throws {
        let report = try PerformanceAnalyzer.analyze(Self.record, options: .init(startingBankroll: 1000, resamples: 0))
        #expect(report.count == 7 && report.voidCount == 1)
        #expect(report.outcomes == ["won": 2, "lost": 2, "push": 1, "half_won": 1, "half_lost": 1, "void": 1])
        // Turnover 800, returns 795, profit −5.
        #expect(report.staked == 800 && report.returned == 795 && report.profit == -5)
        #expect(report.yield == -5.0 / 800.0)
        #expect(report.roi == -5.0 / 1000.0)
        // Hit rate (1 + 0 + 1 + 0.5 + 0 + 0) / 6 (push and void excluded).
        expectClose(try #require(report.hitRate), 2.5 / 6.0, 1e-15)
        // Odds mean (2 + 3 + 1.5 + 2 + 1.9 + 2.2 + 4)/7 = 16.6/7.
        expectClose(try #require(report.averageOdds), 16.6 / 7.0, 1e-14)
        // CLV of bets 1–3 only (the void bet's CLV is ignored): 0.13/3, 2 of 3 beat the close.
        expectClose(try #require(report.averageCLV), 0.13 / 3.0, 1e-15)
        #expect(report.beatCloseShare == 2.0 / 3.0 && report.clvCount == 3)
        // mean x = −0.55/7; sample sd √(3.6592857/6); downside √(2.25/7).
        expectClose(try #require(report.sharpe), -0.10061022368780435, 1e-12)
        expectClose(try #require(report.sortino), -0.13858697343671667, 1e-12)
        // Bankroll 1000 → 1100 → 1000 → 1100 → 1100 → 1145 → 1095 → 995: worst fall 150 from 1145.
        #expect(report.maxDrawdown == 150)
        expectClose(try #require(report.maxDrawdownPercent), 150.0 / 1145.0, 1e-15)
        #expect(report.longestLosingStreak == 2)
        // Only the win-count test runs without resamples.
        let significance = try #require(report.significance)
        #expect(significance.primaryTest == .winCountNormal && significance.randomBet == nil)
        let winCount = try #require(significance.winCount)
        // W = 2.5, E = Σ 1/O over the 6 graded bets = 2.7308612…, V = 1.3791858…
        expectClose(winCount.observedWins, 2.5, 0)
        expectClose(winCount.expectedWins, 2.7308612440191387, 1e-14)
        expectClose(winCount.z, -0.196580140800567, 1e-12)
        expectClose(winCount.pValue, 0.5779219436470079, 1e-12)
        #expect(significance.pValue == winCount.pValue)
    }

    @Test func orderComesFromPlacedAtNotInput() throws {
        let options = PerformanceOptions(startingBankroll: 1000, resamples: 100, seed: 1)
        let ordered = try PerformanceAnalyzer.analyze(Self.record, options: options)
        let reversed = try PerformanceAnalyzer.analyze(Self.record.reversed(), options: options)
        #expect(ordered == reversed)
    }

    @Test func drawdownWithoutBankrollAndLosingStreaks() throws {
        // From 0: −100, −100, +300, −50 → peak 0 then 200: worst fall 200 (0 → −200); no %.
        let bets = [
            SettledBet(stake: 100, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: 1),
            SettledBet(stake: 100, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: 2),
            SettledBet(stake: 100, decimalOdds: 4, payout: 400, outcome: .won, placedAt: 3),
            SettledBet(stake: 100, decimalOdds: 2, payout: 50, outcome: .halfLost, placedAt: 4),
        ]
        let report = try PerformanceAnalyzer.analyze(bets, options: .init(resamples: 0))
        #expect(report.maxDrawdown == 200 && report.maxDrawdownPercent == nil && report.roi == nil)
        #expect(report.longestLosingStreak == 2)
        #expect(report.averageCLV == nil && report.beatCloseShare == nil && report.clvCount == 0)
        // lost, push, lost, half-lost: the push ends the first run, so the longest is 2 (3rd–4th).
        let streak = [
            SettledBet(stake: 100, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: 1),
            SettledBet(stake: 100, decimalOdds: 2, payout: 100, outcome: .push, placedAt: 2),
            SettledBet(stake: 100, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: 3),
            SettledBet(stake: 100, decimalOdds: 2, payout: 50, outcome: .halfLost, placedAt: 4),
        ]
        #expect(try PerformanceAnalyzer.analyze(streak, options: .init(resamples: 0)).longestLosingStreak == 2)
        #expect(try PerformanceAnalyzer.analyze(Array(streak.prefix(3)), options: .init(resamples: 0)).longestLosingStreak == 1)
    }

    @Test func emptyAndAllVoidRecords() throws {
        for bets in [[], [SettledBet(stake: 5, decimalOdds: 2, payout: 5, outcome: .void, placedAt: 0)]] {
            let report = try PerformanceAnalyzer.analyze(bets)
            #expect(report.count == 0 && report.staked == 0 && report.profit == 0)
            #expect(report.yield == nil && report.hitRate == nil && report.averageOdds == nil)
            #expect(report.sharpe == nil && report.sortino == nil && report.significance == nil)
            #expect(report.maxDrawdown == 0 && report.longestLosingStreak == 0)
        }
        // A single push: graded nothing, so no hit rate and no test.
        let push = try PerformanceAnalyzer.analyze([SettledBet(stake: 5, decimalOdds: 2, payout: 5, outcome: .push, placedAt: 0)])
        #expect(push.hitRate == nil && push.significance == nil && push.sharpe == nil && push.sortino == nil)
    }

    @Test func sharpeNeedsVariance() throws {
        let same = (0..<3).map { SettledBet(stake: 100, decimalOdds: 2, payout: 200, outcome: .won, placedAt: Int64($0)) }
        let report = try PerformanceAnalyzer.analyze(same, options: .init(resamples: 0))
        #expect(report.sharpe == nil && report.sortino == nil)  // sd 0, no downside
    }

    @Test func randomBetTestExtremes() throws {
        // 200 wins at evens: a resample matches only if all 200 win (2⁻²⁰⁰), so p = 1/(R+1).
        let winner = (0..<200).map { SettledBet(stake: 100, decimalOdds: 2, payout: 200, outcome: .won, placedAt: Int64($0)) }
        let strong = try #require(try PerformanceAnalyzer.analyze(winner, options: .init(resamples: 999)).significance)
        #expect(strong.primaryTest == .randomBetResampling)
        #expect(strong.pValue == 1.0 / 1000.0)
        let random = try #require(strong.randomBet)
        #expect(random.observedProfit == 20_000 && random.resamples == 999 && random.seed == 20_240_601)
        // A zero-expectation bettor at evens: mean resampled profit ≈ 0 (sd of the mean ≈ 45).
        #expect(abs(random.meanResampledProfit) < 250)
        // All losses: every resample is ≥ observed, p = 1.
        let loser = winner.map { SettledBet(stake: $0.stake, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: $0.placedAt) }
        #expect(try PerformanceAnalyzer.analyze(loser, options: .init(resamples: 99)).significance?.pValue == 1)
    }

    @Test func randomBetTestIsSeededAndCalibrated() throws {
        // One winning bet at 2.0: a resample reaches +100 with probability 0.5.
        let one = [SettledBet(stake: 100, decimalOdds: 2, payout: 200, outcome: .won, placedAt: 0)]
        let report = try PerformanceAnalyzer.analyze(one, options: .init(resamples: 20_000, seed: 3))
        let p = try #require(report.significance?.randomBet?.pValue)
        expectClose(p, 0.5, 0.015)
        #expect(p * 20_001 == (p * 20_001).rounded())  // (k + 1)/(R + 1)
        // Same seed, same answer; the win-count test on this bet: W 1, E 0.5, V 0.25, z 1.
        let again = try PerformanceAnalyzer.analyze(one, options: .init(resamples: 20_000, seed: 3))
        #expect(again == report)
        let winCount = try #require(report.significance?.winCount)
        #expect(winCount.z == 1)
        expectClose(winCount.pValue, 0.15865525393145707, 1e-14)
    }

    @Test func normalTail() {
        expectClose(Significance.upperTailNormal(0), 0.5, 1e-16)
        expectClose(Significance.upperTailNormal(1.96), 0.024997895148220435, 1e-15)
        expectClose(Significance.upperTailNormal(-1.96), 1 - 0.024997895148220435, 1e-15)
    }

    @Test func invalidRecords() {
        let good = SettledBet(stake: 100, decimalOdds: 2, payout: 200, outcome: .won, placedAt: 0)
        var bad = good
        bad.stake = 0
        #expect(throws: StatisticsError.invalidBet(index: 1)) { try PerformanceAnalyzer.analyze([good, bad]) }
        bad = good; bad.decimalOdds = 1
        #expect(throws: StatisticsError.invalidBet(index: 0)) { try PerformanceAnalyzer.analyze([bad]) }
        bad = good; bad.payout = -1
        #expect(throws: StatisticsError.invalidBet(index: 0)) { try PerformanceAnalyzer.analyze([bad]) }
        bad = good; bad.clv = .nan
        #expect(throws: StatisticsError.invalidBet(index: 0)) { try PerformanceAnalyzer.analyze([bad]) }
        #expect(throws: StatisticsError.invalidBankroll) {
            try PerformanceAnalyzer.analyze([good], options: .init(startingBankroll: 0))
        }
        #expect(throws: StatisticsError.invalidResampleCount) {
            try PerformanceAnalyzer.analyze([good], options: .init(resamples: -1))
        }
        let huge = SettledBet(stake: .max, decimalOdds: 2, payout: 0, outcome: .lost, placedAt: 0)
        #expect(throws: StatisticsError.overflow) { try PerformanceAnalyzer.analyze([huge, huge]) }
        // Payout of a huge winning stake overflows in the resampling.
        let hugeWin = SettledBet(stake: .max / 2 + 1, decimalOdds: 2.5, payout: 0, outcome: .lost, placedAt: 0)
        #expect(throws: StatisticsError.overflow) { try PerformanceAnalyzer.analyze([hugeWin]) }
    }

    @Test func settledBetFromSettlement() throws {
        let result = SettlementResult(outcome: .halfWon, stake: 1000, payout: 1450)
        let bet = SettledBet(result, decimalOdds: 1.9, placedAt: 5, clv: 0.01)
        #expect(bet.profit == 450 && bet.hitScore == 0.5 && bet.outcome == .halfWon && bet.clv == 0.01)
        let report = try PerformanceAnalyzer.analyze([bet], options: .init(resamples: 10))
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(PerformanceReport.self, from: data) == report)
    }

    @Test func splitMix64ReferenceVectors() {
        // Reference outputs for seed 1234567 (the xoshiro authors' splitmix64.c).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
        #expect(rng.next() == 9_817_491_932_198_370_423)
        var unit = SplitMix64(seed: 0)
        for _ in 0..<1000 {
            let u = unit.nextUnit()
            #expect(u >= 0 && u < 1)
        }
    }
}
