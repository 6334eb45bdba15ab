import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: agent B, value versus the sharp bookmaker")
struct SharpValueAgentTests {
    typealias F = DetectionFixtures

    /// Sharp 2.0/2.0 (zero margin: p = 0.5 exactly for every method); edge threshold 0.25, so
    /// 2.5 is exactly at it (0.5·2.5 − 1 = 0.25).
    static let agent = SharpValueAgent(configuration: .init(edgeThreshold: 0.25))

    static func market(sharpAt: Date = F.now, _ others: [BookmakerQuote]) -> MarketSnapshot {
        F.twoWay([F.quote("pinnacle", [2.0, 2.0], at: sharpAt)] + others)
    }

    @Test func exactlyAtTheThresholdSignalsJustBelowDoesNot() throws {
        let market = Self.market([F.quote("bet365", [2.5, 1.5]), F.quote("unibet", [2.4999, 1.6])])
        let signals = Self.agent.signals(for: market, at: F.now)
        #expect(signals.count == 1)
        let signal = try #require(signals.first)
        #expect(signal.agent == .sharpValue && signal.bookmaker == "bet365" && signal.outcome == "home")
        #expect(signal.decimalOdds == 2.5 && signal.fairProbability == 0.5 && signal.edge == 0.25)
        // Fresh sharp line: confidence = 0.25/(0.25 + 0.05).
        #expect(signal.confidence == 0.25 / 0.30)
        #expect(
            signal.reason
                == "bet365 offers 2.50 on home against pinnacle's fair 2.00 (p = 50.00%, power de-vig of "
                + "2.00/2.00, 0 s old): edge +25.00% ≥ 25.00%.")
    }

    @Test func defaultThresholdWithAMarginAndTheChosenMethod() throws {
        // Sharp 1.8/2.1 has a margin; the fair price depends on the method.
        let market = F.twoWay([F.quote("pinnacle", [1.8, 2.1]), F.quote("bet365", [1.95, 2.2])])
        for method in [DevigMethod.multiplicative, .power, .shin, .oddsRatio] {
            let fair = try Devig.devig([1.8, 2.1], method: method).probabilities
            let agent = SharpValueAgent(configuration: .init(method: method))
            let signals = agent.signals(for: market, at: F.now)
            let expected = [(0, 1.95), (1, 2.2)].filter { fair[$0.0] * $0.1 - 1 >= 0.02 }
            #expect(signals.map(\.outcomeIndex) == expected.map(\.0), "\(method)")
            for signal in signals {
                #expect(signal.fairProbability == fair[signal.outcomeIndex])
                #expect(signal.edge == fair[signal.outcomeIndex] * signal.decimalOdds - 1)
            }
        }
        // Multiplicative: p_home = (1/1.8)/(1/1.8 + 1/2.1) = 0.538462, edge at 1.95 = +5.0%.
        let home = try #require(
            SharpValueAgent(configuration: .init(method: .multiplicative)).signals(for: market, at: F.now).first)
        expectClose(home.fairProbability, 7.0 / 13.0, 1e-15)
        expectClose(home.edge, 7.0 / 13.0 * 1.95 - 1, 1e-15)
    }

    @Test func confidenceDecaysWithTheSharpLinesAge() throws {
        // Sharp prices 15 min old = one half-life: the confidence halves.
        let market = Self.market(sharpAt: F.minutes(-15), [F.quote("bet365", [2.5, 1.5])])
        let signal = try #require(Self.agent.signals(for: market, at: F.now).first)
        expectClose(signal.confidence, 0.25 / 0.30 * 0.5, 1e-15)
        #expect(signal.reason.contains("15 min old"))
        let strict = SharpValueAgent(configuration: .init(edgeThreshold: 0.25, maxSharpAge: 600))
        #expect(strict.signals(for: market, at: F.now).isEmpty)
    }

    @Test func aggregatesTheSharpItselfAndMissingSharpGiveNothing() {
        let market = Self.market([F.quote("market_max", [3.0, 3.0]), F.quote("market_avg", [2.6, 2.6])])
        #expect(Self.agent.signals(for: market, at: F.now).isEmpty)
        // No sharp at all, or a sharp that does not price every outcome.
        #expect(Self.agent.signals(for: F.twoWay([F.quote("bet365", [3.0, 3.0])]), at: F.now).isEmpty)
        let partial = F.twoWay([F.quote("pinnacle", [2.0, nil]), F.quote("bet365", [3.0, 3.0])])
        #expect(Self.agent.signals(for: partial, at: F.now).isEmpty)
        var noSharp = Self.market([F.quote("bet365", [3.0, 3.0])])
        noSharp.sharpBookmaker = nil
        #expect(Self.agent.signals(for: noSharp, at: F.now).isEmpty)
    }

    @Test func anArbitrageSharpBookIsRejectedByDefault() {
        let market = F.twoWay([F.quote("pinnacle", [2.1, 2.1]), F.quote("bet365", [3.0, 1.5])])
        #expect(Self.agent.signals(for: market, at: F.now).isEmpty)
        let lenient = SharpValueAgent(
            configuration: .init(negativeMargin: .fallbackToMultiplicative, edgeThreshold: 0.25))
        #expect(lenient.signals(for: market, at: F.now).map(\.edge) == [0.5])
    }

    @Test func futurePricesAndOrderChangeNothing() {
        // The sharp's current quote moved after the decision; at `now` the history row applies.
        let market = F.twoWay(
            [F.quote("pinnacle", [1.5, 3.0], at: F.minutes(10)), F.quote("bet365", [2.5, 1.5], at: F.minutes(-5))],
            history: F.rows("pinnacle", [2.0, 2.0], at: F.minutes(-10)))
        let expected = Self.agent.signals(for: market, at: F.now)
        #expect(expected.map(\.bookmaker) == ["bet365"] && expected.map(\.edge) == [0.25])
        #expect(Self.agent.signals(for: F.withFuture(market), at: F.now) == expected)
        #expect(Self.agent.signals(for: F.shuffled(F.withFuture(market)), at: F.now) == expected)
        #expect(Self.agent.signals(for: market.truncated(before: F.minutes(1)), at: F.now) == expected)
    }
}
