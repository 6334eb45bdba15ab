import Foundation
import Testing

@testable import MonPSCore

/// Property tests over seeded random markets: 2–6 outcomes, margins 0–15%.
@Suite("De-vig properties")
struct DevigPropertyTests {
    /// Random fair probabilities (each ≥ 0.02 and ≤ 0.8) with a margin spread multiplicatively,
    /// so every raw implied probability stays below 1.
    static func randomMarket(_ rng: inout SplitMix64) -> (odds: [Double], margin: Double) {
        let n = 2 + Int(rng.next() % 5)
        var weights: [Double]
        repeat {
            weights = (0..<n).map { _ in 0.05 + rng.nextUnit() * rng.nextUnit() * 3 }
            let total = weights.reduce(0, +)
            weights = weights.map { $0 / total }
        } while weights.contains { $0 < 0.02 || $0 > 0.8 }
        let margin = rng.nextUnit() * 0.15
        return (weights.map { 1 / ($0 * (1 + margin)) }, margin)
    }

    static let markets: [[Double]] = {
        var rng = SplitMix64(seed: 0x5EED)
        return (0..<400).map { _ in randomMarket(&rng).odds }
    }()

    @Test(arguments: DevigMethod.allCases)
    func sumsToOneAndStaysInsideUnitInterval(method: DevigMethod) throws {
        var solved = 0
        for odds in Self.markets {
            guard let result = try additiveTolerant(odds, method) else { continue }
            solved += 1
            expectClose(result.probabilities.reduce(0, +), 1, 1e-12, "\(odds)")
            #expect(result.probabilities.allSatisfy { $0 > 0 && $0 < 1 }, "\(odds)")
            #expect(result.fairOdds.allSatisfy { $0 > 1 && $0.isFinite })
            #expect(result.iterations <= BracketedRootFinder.maxIterations)
        }
        #expect(solved >= 300)  // Additive may legitimately reject a few long-shot markets.
    }

    @Test(arguments: DevigMethod.allCases)
    func orderingPreserved(method: DevigMethod) throws {
        for odds in Self.markets {
            guard let result = try additiveTolerant(odds, method) else { continue }
            for i in odds.indices {
                for j in odds.indices where odds[i] < odds[j] {
                    #expect(result.probabilities[i] > result.probabilities[j], "\(odds)")
                }
            }
        }
    }

    @Test(arguments: DevigMethod.allCases)
    func permutationInvariant(method: DevigMethod) throws {
        var rng = SplitMix64(seed: 99)
        for odds in Self.markets.prefix(200) {
            guard let result = try additiveTolerant(odds, method) else { continue }
            let permutation = Array(odds.indices).shuffled(using: &rng)
            let shuffled = try Devig.devig(permutation.map { odds[$0] }, method: method)
            expectClose(shuffled.probabilities, permutation.map { result.probabilities[$0] }, 1e-12)
        }
    }

    @Test(arguments: DevigMethod.allCases)
    func zeroMarginUnchanged(method: DevigMethod) throws {
        var rng = SplitMix64(seed: 4242)
        for _ in 0..<200 {
            let n = 2 + Int(rng.next() % 5)
            let weights = (0..<n).map { _ in 0.1 + rng.nextUnit() }
            let total = weights.reduce(0, +)
            let fair = weights.map { $0 / total }
            let result = try Devig.devig(fair.map { 1 / $0 }, method: method)
            expectClose(result.probabilities, fair, 1e-12)
            #expect(result.parameter == method.neutralParameter)
        }
    }

    /// Recomputes each method's formula from the returned parameter: the raw sum must already be
    /// 1 before renormalisation, i.e. the solver really found the root.
    @Test func solvedParametersSatisfyTheirEquations() throws {
        for odds in Self.markets {
            let r = odds.map { 1 / $0 }
            let s = r.reduce(0, +)
            let k = try #require(try Devig.devig(odds, method: .power).parameter)
            let z = try #require(try Devig.devig(odds, method: .shin).parameter)
            let c = try #require(try Devig.devig(odds, method: .oddsRatio).parameter)
            if s - 1 > Devig.zeroMarginTolerance {
                #expect(k > 1 && z > 0 && z < 1 && c > 1)
            }
            expectClose(r.map { pow($0, k) }.reduce(0, +), 1, 1e-12, "power")
            let shin = r.map { ri in ((z * z + 4 * (1 - z) * ri * ri / s).squareRoot() - z) / (2 * (1 - z)) }
            expectClose(shin.reduce(0, +), 1, 1e-12, "shin")
            expectClose(r.map { $0 / (c + $0 - c * $0) }.reduce(0, +), 1, 1e-12, "odds ratio")
        }
    }

    @Test func twoOutcomeShinEqualsAdditiveOnRandomMarkets() throws {
        for odds in Self.markets where odds.count == 2 {
            let shin = try Devig.devig(odds, method: .shin)
            let additive = try Devig.devig(odds, method: .additive)
            expectClose(shin.probabilities, additive.probabilities, 1e-12)
        }
    }

    @Test func marginWeightsMatchesAdditiveOnRandomMarkets() throws {
        for odds in Self.markets {
            let weights = try? Devig.devig(odds, method: .marginWeights)
            let additive = try? Devig.devig(odds, method: .additive)
            #expect((weights == nil) == (additive == nil))
            if let weights, let additive {
                expectClose(weights.probabilities, additive.probabilities, 1e-14)
            }
        }
    }

    @Test func extremeMarketsTerminate() throws {
        let markets: [[Double]] = [
            [1.0001, 5000],  // near-certain favourite
            [1.000001, 1.000001],  // booksum ≈ 2
            [1.01, 101, 200],
            [1 + 1e-12, 50, 50],
            Array(repeating: 21.0, count: 19) + [3.0],  // 20-runner race
            [1.9, 1.9 + 1e-12],
            [2.0, 2.0 - 1e-11],  // margin 2.5e-12: just above the zero tolerance
        ]
        for odds in markets {
            for method in [DevigMethod.multiplicative, .power, .shin, .oddsRatio] {
                let result = try Devig.devig(odds, method: method)
                expectClose(result.probabilities.reduce(0, +), 1, 1e-12, "\(method) \(odds)")
                #expect(result.probabilities.allSatisfy { $0 > 0 && $0 < 1 && $0.isFinite })
                #expect(result.parameter?.isFinite ?? true)
            }
        }
    }

    /// Returns nil only for the documented additive/margin-weights long-shot rejection.
    private func additiveTolerant(_ odds: [Double], _ method: DevigMethod) throws -> DevigResult? {
        do {
            return try Devig.devig(odds, method: method)
        } catch DevigError.nonPositiveProbability(let index, let failing) {
            let r = odds.map { 1 / $0 }
            let share = (r.reduce(0, +) - 1) / Double(odds.count)
            #expect(failing == method && r[index] <= share + 1e-15)
            return nil
        }
    }
}
