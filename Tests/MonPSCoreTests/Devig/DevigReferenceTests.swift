import Foundation
import Testing

@testable import MonPSCore

/// Reference values from /work/shared/notes/betting-maths.md (market 2.10 / 3.40 / 3.60).
@Suite("De-vig reference values")
struct DevigReferenceTests {
    let market = [2.10, 3.40, 3.60]

    @Test(arguments: [
        (DevigMethod.multiplicative, [0.454343, 0.280624, 0.265033], nil as Double?),
        (.additive, [0.460162, 0.278089, 0.261749], nil),
        (.marginWeights, [0.460162, 0.278089, 0.261749], nil),
        (.power, [0.460174, 0.277980, 0.261846], 1.046112),
        (.shin, [0.458666, 0.278738, 0.262597], 0.024083),
        (.oddsRatio, [0.457795, 0.279009, 0.263196], 1.076713),
    ])
    func workedExample(method: DevigMethod, expected: [Double], parameter: Double?) throws {
        let result = try Devig.devig(market, method: method)
        // The notes round to 6 decimals, hence the 1e-6 (half a unit in the last place + slack).
        expectClose(result.probabilities, expected, 1e-6, method.rawValue)
        expectClose(result.fairOdds, expected.map { 1 / $0 }, 1e-4, method.rawValue)
        if let parameter {
            expectClose(try #require(result.parameter), parameter, 1e-6, method.rawValue)
            #expect(result.iterations > 0 && result.iterations <= BracketedRootFinder.maxIterations)
        } else {
            #expect(result.parameter == nil)
            #expect(result.iterations == 0)
        }
        #expect(result.method == method && result.requestedMethod == method && !result.usedFallback)
        expectClose(result.margin, 0.0480859010270773, 1e-15)
        expectClose(result.probabilities.reduce(0, +), 1, 1e-12)
    }

    @Test func highPrecisionParameters() throws {
        // Independent bisection (200 halvings, double precision) of each method's equation.
        expectClose(try #require(try Devig.devig(market, method: .power).parameter), 1.0461120614748238, 1e-12)
        expectClose(try #require(try Devig.devig(market, method: .shin).parameter), 0.02408283673172834, 1e-12)
        expectClose(try #require(try Devig.devig(market, method: .oddsRatio).parameter), 1.076712714837436, 1e-12)
    }

    @Test func multiplicativeIsNormalisation() throws {
        // r = 1/2.1, 1/3.4, 1/3.6 divided by S: exact closed form.
        let s = 1 / 2.1 + 1 / 3.4 + 1 / 3.6
        let result = try Devig.devig(market, method: .multiplicative)
        expectClose(result.probabilities, [1 / 2.1 / s, 1 / 3.4 / s, 1 / 3.6 / s], 1e-15)
    }

    @Test func marginWeightsEqualsAdditive() throws {
        let markets: [[Double]] = [market, [1.5, 2.7], [1.9, 1.9], [3.1, 3.3, 3.5, 4.2], [1.25, 6.0, 11.0]]
        for m in markets {
            let additive = try Devig.devig(m, method: .additive)
            let weights = try Devig.devig(m, method: .marginWeights)
            expectClose(weights.probabilities, additive.probabilities, 1e-15, "\(m)")
        }
    }

    @Test func twoOutcomeShinEqualsAdditive() throws {
        // Two outcomes: Shin's p_i reduces to r_i − M/2 (Štrumbelj 2014).
        for m in [[1.5, 2.7], [1.91, 1.91], [1.05, 9.0], [1.3, 3.4], [2.2, 1.7]] {
            let shin = try Devig.devig(m, method: .shin)
            let additive = try Devig.devig(m, method: .additive)
            expectClose(shin.probabilities, additive.probabilities, 1e-12, "\(m)")
        }
    }

    @Test func twoOutcomeHandValues() throws {
        // 1.91 / 1.91: r = 0.523560…, S = 1.047120…, every method must give 0.5 / 0.5.
        for method in DevigMethod.allCases {
            let result = try Devig.devig([1.91, 1.91], method: method)
            expectClose(result.probabilities, [0.5, 0.5], 1e-15, method.rawValue)
            expectClose(result.fairOdds, [2.0, 2.0], 1e-14, method.rawValue)
        }
        // 1.50 / 2.70: r = 2/3, 10/27; M = 1/27; additive p = 2/3 − 1/54 = 35/54, 10/27 − 1/54 = 19/54.
        let additive = try Devig.devig([1.5, 2.7], method: .additive)
        expectClose(additive.probabilities, [35.0 / 54.0, 19.0 / 54.0], 1e-15)
        // Multiplicative: (2/3)/(28/27) = 18/28, (10/27)/(28/27) = 10/28.
        let multiplicative = try Devig.devig([1.5, 2.7], method: .multiplicative)
        expectClose(multiplicative.probabilities, [18.0 / 28.0, 10.0 / 28.0], 1e-15)
    }

    @Test func zeroMarginUnchangedForEveryMethod() throws {
        // 2 / 4 / 4: r = 0.5, 0.25, 0.25, booksum exactly 1.
        for method in DevigMethod.allCases {
            let result = try Devig.devig([2.0, 4.0, 4.0], method: method)
            #expect(result.probabilities == [0.5, 0.25, 0.25], "\(method)")
            #expect(result.fairOdds == [2.0, 4.0, 4.0])
            #expect(result.parameter == method.neutralParameter)
            #expect(result.iterations == 0)
            #expect(result.margin == 0)
        }
        #expect(DevigMethod.power.neutralParameter == 1)
        #expect(DevigMethod.shin.neutralParameter == 0)
        #expect(DevigMethod.oddsRatio.neutralParameter == 1)
        #expect(DevigMethod.additive.neutralParameter == nil)
    }

    @Test func rawValuesAreTheApiNames() {
        #expect(DevigMethod.allCases.map(\.rawValue) == [
            "multiplicative", "additive", "power", "shin", "odds_ratio", "margin_weights",
        ])
        #expect(DevigMethod(rawValue: "odds_ratio") == .oddsRatio)
    }
}

@Suite("De-vig errors and policies")
struct DevigErrorTests {
    @Test func invalidInputs() {
        for method in DevigMethod.allCases {
            #expect(throws: DevigError.tooFewOutcomes(count: 1)) { try Devig.devig([2.0], method: method) }
            #expect(throws: DevigError.tooFewOutcomes(count: 0)) { try Devig.devig([], method: method) }
            #expect(throws: DevigError.invalidOdds(index: 2)) {
                try Devig.devig([2.0, 3.0, 1.0], method: method)
            }
            #expect(throws: DevigError.invalidOdds(index: 0)) {
                try Devig.devig([.nan, 3.0], method: method)
            }
            #expect(throws: DevigError.invalidOdds(index: 1)) {
                try Devig.devig([2.0, .infinity], method: method)
            }
        }
    }

    @Test func negativeMarginRejectedByDefault() throws {
        // 2.10 / 2.10: booksum 0.952381, margin −0.047619 (an arbitrage).
        for method in DevigMethod.allCases {
            let error = #expect(throws: DevigError.self) { try Devig.devig([2.1, 2.1], method: method) }
            guard case .negativeMargin(let margin) = error else {
                Issue.record("expected negativeMargin, got \(String(describing: error))")
                continue
            }
            expectClose(margin, 2 / 2.1 - 1, 1e-15)
        }
    }

    @Test func negativeMarginFallback() throws {
        for method in DevigMethod.allCases {
            let result = try Devig.devig([2.1, 4.2, 4.2], method: method, negativeMargin: .fallbackToMultiplicative)
            // r = 10/21, 5/21, 5/21, S = 20/21: normalised 0.5, 0.25, 0.25.
            expectClose(result.probabilities, [0.5, 0.25, 0.25], 1e-15)
            #expect(result.method == .multiplicative)
            #expect(result.requestedMethod == method)
            #expect(result.usedFallback == (method != .multiplicative))
            #expect(result.parameter == nil)
        }
    }

    @Test func additiveLongShotIsReported() {
        // 1.30 / 4.0 / 500: r = 0.769231, 0.25, 0.002; M = 0.021231, M/3 = 0.007077 > 0.002,
        // so the long shot would get 0.002 − 0.007077 < 0.
        #expect(throws: DevigError.nonPositiveProbability(index: 2, method: .additive)) {
            try Devig.devig([1.3, 4.0, 500], method: .additive)
        }
        #expect(throws: DevigError.nonPositiveProbability(index: 2, method: .marginWeights)) {
            try Devig.devig([1.3, 4.0, 500], method: .marginWeights)
        }
        // The other methods cope with the same market.
        for method in [DevigMethod.multiplicative, .power, .shin, .oddsRatio] {
            #expect(throws: Never.self) { try Devig.devig([1.3, 4.0, 500], method: method) }
        }
    }

    @Test func devigAllReportsEachMethod() throws {
        let all = Devig.devigAll([1.3, 4.0, 500])
        #expect(all.count == DevigMethod.allCases.count)
        #expect(all[.additive].map { r in (try? r.get()) == nil } == true)
        #expect(throws: DevigError.nonPositiveProbability(index: 2, method: .additive)) {
            try all[.additive]!.get()
        }
        let power = try #require(all[.power]).get()
        #expect(power.method == .power)
    }

    @Test func resultIsCodable() throws {
        let result = try Devig.devig([2.10, 3.40, 3.60], method: .oddsRatio)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(DevigResult.self, from: data) == result)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"method\":\"odds_ratio\""))
        #expect(NegativeMarginPolicy(rawValue: "fallback_to_multiplicative") == .fallbackToMultiplicative)
    }
}
