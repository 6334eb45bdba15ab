import Testing

@testable import MonPSCore

@Suite("Value and closing line value")
struct ValueAndCLVTests {
    @Test func expectedValueAndEdge() throws {
        // p = 0.5 at 2.10: EV = 1.05 − 1 = 0.05; edge against fair 2.00 is the same 5%.
        expectClose(try ValueAnalysis.expectedValue(decimalOdds: 2.1, fairProbability: 0.5), 0.05, 1e-15)
        expectClose(try ValueAnalysis.edge(decimalOdds: 2.1, fairOdds: 2.0), 0.05, 1e-15)
        expectClose(try ValueAnalysis.expectedValue(decimalOdds: 1.8, fairProbability: 0.5), -0.1, 1e-15)
        #expect(throws: ValueError.invalidOdds) { try ValueAnalysis.expectedValue(decimalOdds: 1, fairProbability: 0.5) }
        #expect(throws: ValueError.invalidProbability) {
            try ValueAnalysis.expectedValue(decimalOdds: 2, fairProbability: 1)
        }
        #expect(throws: ValueError.invalidOdds) { try ValueAnalysis.edge(decimalOdds: 2, fairOdds: 0.9) }
    }

    @Test func assessAgainstSharpBook() throws {
        // Shin fair probability of the home side in 2.10/3.40/3.60 is 0.458665716; at 2.30,
        // EV = 2.3 × 0.458665716 − 1 = 0.054931147.
        let assessment = try ValueAnalysis.assess(
            decimalOdds: 2.3, sharpOdds: [2.10, 3.40, 3.60], selection: 0, method: .shin)
        expectClose(assessment.fairProbability, 0.45866571596133565, 1e-12)
        expectClose(assessment.expectedValue, 0.05493114671107202, 1e-12)
        #expect(assessment.edge == assessment.expectedValue)
        expectClose(assessment.fairOdds, 1 / 0.45866571596133565, 1e-11)
        #expect(assessment.isValue)
        #expect(assessment.devig.method == .shin)
        let poor = try ValueAnalysis.assess(
            decimalOdds: 2.0, sharpOdds: [2.10, 3.40, 3.60], selection: 0, method: .multiplicative)
        #expect(!poor.isValue)
    }

    @Test func assessErrors() {
        #expect(throws: ValueError.selectionOutOfRange) {
            try ValueAnalysis.assess(decimalOdds: 2.3, sharpOdds: [2.1, 3.4, 3.6], selection: 3, method: .power)
        }
        #expect(throws: ValueError.invalidOdds) {
            try ValueAnalysis.assess(decimalOdds: .nan, sharpOdds: [2.1, 3.4, 3.6], selection: 0, method: .power)
        }
        #expect(throws: ValueError.devig(.tooFewOutcomes(count: 1))) {
            try ValueAnalysis.fairOdds(sharpOdds: [2.1], method: .power)
        }
        #expect(throws: ValueError.devig(.negativeMargin(margin: 2 / 2.1 - 1))) {
            try ValueAnalysis.assess(decimalOdds: 2.3, sharpOdds: [2.1, 2.1], selection: 0, method: .power)
        }
    }

    @Test func buchdahlExample() throws {
        // 2.50 against a fair close of 2.00: +25%; p_bet = 0.4, p_close = 0.5, (0.5 − 0.4)/0.4 = 0.25.
        let clv = try ClosingLineValue(betOdds: 2.5, fairClosingOdds: 2.0)
        #expect(clv.oddsBased == 0.25)
        expectClose(clv.probabilityBased, 0.25, 1e-15)
        #expect(clv.fairClosingProbability == 0.5)
        #expect(clv.beatClose)
        #expect(clv.devig == nil)
        let worse = try ClosingLineValue(betOdds: 1.9, fairClosingOdds: 2.0)
        expectClose(worse.oddsBased, -0.05, 1e-15)
        expectClose(worse.probabilityBased, -0.05, 1e-15)
        #expect(!worse.beatClose)
        #expect(!(try ClosingLineValue(betOdds: 2.0, fairClosingOdds: 2.0)).beatClose)
    }

    @Test func clvFromClosingMarket() throws {
        // 1.91/1.91 closes fair at 2.00 with every method: 2.05 is +2.5%.
        for method in DevigMethod.allCases {
            let clv = try ClosingLineValue(betOdds: 2.05, closingOdds: [1.91, 1.91], selection: 1, method: method)
            expectClose(clv.oddsBased, 0.025, 1e-14)
            #expect(clv.devig?.method == method)
        }
        // Multiplicative fair close of 2.10 in 2.10/3.40/3.60 is 2.10·S = 2.2009803921568625;
        // a bet at 2.30 has CLV 2.30/2.20098… − 1 = 0.04498886414253911.
        let clv = try ClosingLineValue(
            betOdds: 2.3, closingOdds: [2.10, 3.40, 3.60], selection: 0, method: .multiplicative)
        expectClose(clv.fairClosingOdds, 2.2009803921568625, 1e-12)
        expectClose(clv.oddsBased, 0.04498886414253911, 1e-12)
        expectClose(clv.probabilityBased, clv.oddsBased, 1e-14)
    }

    @Test func clvErrors() {
        #expect(throws: CLVError.invalidBetOdds) { try ClosingLineValue(betOdds: 1, fairClosingOdds: 2) }
        #expect(throws: CLVError.invalidClosingOdds) { try ClosingLineValue(betOdds: 2, fairClosingOdds: .nan) }
        #expect(throws: CLVError.selectionOutOfRange) {
            try ClosingLineValue(betOdds: 2, closingOdds: [1.9, 1.9], selection: 2, method: .shin)
        }
        #expect(throws: CLVError.selectionOutOfRange) {
            try ClosingLineValue(betOdds: 2, closingOdds: [1.9, 1.9], selection: -1, method: .shin)
        }
        #expect(throws: CLVError.devig(.invalidOdds(index: 0))) {
            try ClosingLineValue(betOdds: 2, closingOdds: [0.9, 1.9], selection: 0, method: .shin)
        }
    }
}
