import Foundation

/// Tests of a betting record against random betting at the same prices.
/// The tested bets are those graded won, half-won, half-lost or lost (push and void excluded).
enum Significance {
    static func report(_ bets: [SettledBet], resamples: Int, seed: UInt64)
        throws(StatisticsError) -> SignificanceReport?
    {
        let tested = bets.filter { $0.hitScore != nil }
        guard !tested.isEmpty else { return nil }
        let randomBet = resamples > 0 ? try randomBetTest(tested, resamples: resamples, seed: seed) : nil
        let winCount = winCountTest(tested)
        if let randomBet {
            return SignificanceReport(
                primaryTest: .randomBetResampling, pValue: randomBet.pValue,
                randomBet: randomBet, winCount: winCount)
        }
        guard let winCount else { return nil }
        return SignificanceReport(
            primaryTest: .winCountNormal, pValue: winCount.pValue, randomBet: nil,
            winCount: winCount)
    }

    /// See ``RandomBetTest``.
    static func randomBetTest(_ bets: [SettledBet], resamples: Int, seed: UInt64)
        throws(StatisticsError) -> RandomBetTest
    {
        var observed: Int64 = 0
        var winProfit = [Int64](), stake = [Int64](), probability = [Double]()
        var maxGain: Int64 = 0, maxLoss: Int64 = 0
        for bet in bets {
            observed = try PerformanceAnalyzer.add(observed, bet.profit)
            let payout: Int64
            do throws(MoneyError) {
                payout = try Money.payout(stake: bet.stake, decimalOdds: bet.decimalOdds)
            } catch {
                throw .overflow  // Odds were validated, so only overflow remains.
            }
            winProfit.append(payout - bet.stake)
            stake.append(bet.stake)
            probability.append(1.0 / bet.decimalOdds)
            // Bounding the extreme totals once lets the loop below add without checks.
            maxGain = try PerformanceAnalyzer.add(maxGain, payout - bet.stake)
            maxLoss = try PerformanceAnalyzer.add(maxLoss, bet.stake)
        }
        var generator = SplitMix64(seed: seed)
        var atLeast = 0
        var sum = 0.0
        for _ in 0..<resamples {
            var total: Int64 = 0
            for j in 0..<bets.count {
                total += generator.nextUnit() < probability[j] ? winProfit[j] : -stake[j]
            }
            sum += Double(total)
            if total >= observed { atLeast += 1 }
        }
        return RandomBetTest(
            observedProfit: observed, meanResampledProfit: sum / Double(resamples),
            resamples: resamples, seed: seed,
            pValue: Double(atLeast + 1) / Double(resamples + 1))
    }

    /// See ``WinCountTest``; `nil` when the variance is 0.
    static func winCountTest(_ bets: [SettledBet]) -> WinCountTest? {
        var observed = 0.0, expected = 0.0, variance = 0.0
        for bet in bets {
            let q = 1.0 / bet.decimalOdds
            observed += bet.hitScore ?? 0
            expected += q
            variance += q * (1 - q)
        }
        guard variance > 0 else { return nil }
        let z = (observed - expected) / variance.squareRoot()
        return WinCountTest(
            observedWins: observed, expectedWins: expected, z: z,
            pValue: upperTailNormal(z))
    }

    /// `1 − Φ(z)` for the standard normal, via `erfc` (accurate in the far tail too).
    static func upperTailNormal(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }
}
