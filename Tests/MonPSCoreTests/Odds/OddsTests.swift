import Foundation
import Testing

@testable import MonPSCore

@Suite("Odds conversions")
struct OddsTests {
    @Test func decimalValidation() throws {
        #expect(Odds.isValidDecimal(1.01))
        #expect(!Odds.isValidDecimal(1.0))
        #expect(!Odds.isValidDecimal(0.5))
        #expect(!Odds.isValidDecimal(-3))
        #expect(!Odds.isValidDecimal(.nan))
        #expect(!Odds.isValidDecimal(.infinity))
        #expect(try Odds.validatedDecimal(2.5) == 2.5)
        #expect(throws: OddsError.invalidDecimal) { try Odds.validatedDecimal(1.0) }
    }

    @Test func impliedProbabilityRoundTrip() throws {
        #expect(try Odds.impliedProbability(decimal: 4.0) == 0.25)
        #expect(try Odds.decimal(fromProbability: 0.25) == 4.0)
        #expect(throws: OddsError.invalidDecimal) { try Odds.impliedProbability(decimal: .nan) }
        for p in [0.0, 1.0, -0.1, 1.5, Double.nan, Double.infinity] {
            #expect(throws: OddsError.invalidProbability) { try Odds.decimal(fromProbability: p) }
        }
    }

    @Test(arguments: [
        // (american, decimal) by hand: +150 → 1 + 150/100; −200 → 1 + 100/200; ±100 → 2.
        (150.0, 2.5), (-200.0, 1.5), (100.0, 2.0), (-100.0, 2.0), (-110.0, 1.0 + 100.0 / 110.0),
        (1000.0, 11.0), (-1000.0, 1.1),
    ])
    func americanToDecimal(american: Double, decimal: Double) throws {
        expectClose(try Odds.decimal(fromAmerican: american), decimal, 1e-15)
    }

    @Test(arguments: [0.0, 99.0, -99.99, 50.0, Double.nan, -Double.infinity])
    func invalidAmerican(american: Double) {
        #expect(throws: OddsError.invalidAmerican) { try Odds.decimal(fromAmerican: american) }
    }

    @Test func decimalToAmerican() throws {
        #expect(try Odds.american(fromDecimal: 2.5) == 150)
        #expect(try Odds.american(fromDecimal: 2.0) == 100)
        #expect(try Odds.american(fromDecimal: 1.5) == -200)
        expectClose(try Odds.american(fromDecimal: 1.0 + 100.0 / 110.0), -110, 1e-10)
        #expect(throws: OddsError.invalidDecimal) { try Odds.american(fromDecimal: 1.0) }
    }

    @Test func fractionalBasics() throws {
        let f = try FractionalOdds(numerator: 5, denominator: 2)
        #expect(f.decimal == 3.5)
        #expect(Odds.decimal(fromFractional: f) == 3.5)
        #expect(f.description == "5/2")
        #expect(try FractionalOdds(numerator: 10, denominator: 4).reduced() == f)
        #expect(throws: OddsError.invalidFractional) { try FractionalOdds(numerator: 0, denominator: 2) }
        #expect(throws: OddsError.invalidFractional) { try FractionalOdds(numerator: 1, denominator: -2) }
    }

    @Test(arguments: [
        // (decimal, max denominator, numerator, denominator), each checked by hand:
        (2.5, 100, 3, 2), (2.0, 100, 1, 1), (1.5, 100, 1, 2),
        (1.0 + 10.0 / 11.0, 100, 10, 11),  // 1.909090…
        (1.91, 100, 91, 100),  // 0.91 = 91/100 exactly fits
        (1.91, 10, 9, 10),  // 0.91 = [0; 1, 10, 9]: semiconvergent 9/10 beats 1/1
        (4.333333333, 100, 10, 3),  // 10/3 beats semiconvergent 333/100
        (4.14159265, 1000, 355, 113),  // x ≈ π: convergent 355/113 beats semiconvergent 2818/897
        (1.000001, 100, 1, 100),  // below 1/100: smallest representable fraction
        (101.0, 100, 100, 1),
    ])
    func fractionalApproximation(decimal: Double, maxDen: Int, num: Int, den: Int) throws {
        let f = try Odds.fractional(fromDecimal: decimal, maxDenominator: maxDen)
        #expect(f.numerator == num && f.denominator == den, "\(f)")
    }

    @Test func fractionalCodable() throws {
        let odds = try FractionalOdds(numerator: 5, denominator: 2)
        let data = try JSONEncoder().encode(odds)
        #expect(try JSONDecoder().decode(FractionalOdds.self, from: data) == odds)
        let bad = Data(#"{"numerator": 0, "denominator": 2}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FractionalOdds.self, from: bad) }
        let badDen = Data(#"{"numerator": 1, "denominator": -2}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FractionalOdds.self, from: badDen) }
    }

    @Test func fractionalErrors() {
        #expect(throws: OddsError.invalidDecimal) { try FractionalOdds(approximatingDecimal: 1.0) }
        #expect(throws: OddsError.invalidMaxDenominator) {
            try FractionalOdds(approximatingDecimal: 2.0, maxDenominator: 0)
        }
        #expect(throws: OddsError.invalidMaxDenominator) {
            try FractionalOdds(approximatingDecimal: 2.0, maxDenominator: 1_000_001)
        }
        #expect(throws: OddsError.outOfRange) { try FractionalOdds(approximatingDecimal: 2e9) }
    }

    @Test func fractionalRespectsDenominatorBound() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let decimal = 1.0 + rng.nextUnit() * 20 + 1e-3
            for maxDen in [1, 4, 20, 100, 1000] {
                let f = try FractionalOdds(approximatingDecimal: decimal, maxDenominator: maxDen)
                #expect(f.denominator <= maxDen && f.numerator > 0)
                // The best approximation is at least as close as rounding to 1/maxDen steps.
                let grid = (decimal - 1) * Double(maxDen)
                let naive = max(1, grid.rounded()) / Double(maxDen)
                #expect(abs(f.decimal - decimal) <= abs(1 + naive - decimal) + 1e-12)
            }
        }
    }

    @Test func marketMargin() throws {
        // 1/2.10 + 1/3.40 + 1/3.60 = 0.476190… + 0.294118… + 0.277778… = 1.048085…
        expectClose(try MarketMargin.booksum([2.10, 3.40, 3.60]), 1.0480859010270773, 1e-15)
        expectClose(try MarketMargin.margin([2.10, 3.40, 3.60]), 0.0480859010270773, 1e-15)
        #expect(try MarketMargin.margin([2.0, 2.0]) == 0)
        #expect(throws: OddsError.tooFewOutcomes(count: 1)) { try MarketMargin.booksum([2.0]) }
        #expect(throws: OddsError.invalidMarketOdds(index: 1)) { try MarketMargin.booksum([2.0, 0.9]) }
    }
}
