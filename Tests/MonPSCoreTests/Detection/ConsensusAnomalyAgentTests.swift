import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: agent A, consensus anomaly (Kaunitz et al. 2017)")
struct ConsensusAnomalyAgentTests {
    typealias F = DetectionFixtures

    /// Home prices with a mean of exactly 2.0 (p = 0.5); with α = 0.25 the threshold is exactly
    /// 1/(0.5 − 0.25) = 4.0. Away never qualifies (mean 1.5, threshold 2.4, best 1.5).
    static func market(home: [Double], extra: [BookmakerQuote] = []) -> MarketSnapshot {
        let books = ["b1", "b2", "b3", "b4", "b5", "b6"]
        return F.twoWay(zip(books, home).map { F.quote($0, [$1, 1.5]) } + extra)
    }

    static let quarterAlpha = ConsensusAnomalyAgent(configuration: .init(alpha: 0.25))

    @Test func exactlyAtTheThresholdIsNotASignal() {
        // Mean (4 + 1.25 + 1.25 + 1.5)/4 = 2, best 4.0 = 1/(p − α): the rule needs "exceeds".
        #expect(Self.quarterAlpha.signals(for: Self.market(home: [4.0, 1.25, 1.25, 1.5]), at: F.now).isEmpty)
    }

    @Test func aboveTheThresholdSignalsWithExactNumbers() throws {
        // Mean (4.5 + 1.25 + 1.125 + 1.125)/4 = 2 → p = 0.5, p − α = 0.25, margin 0.25·4.5 − 1 = 0.125.
        let signals = Self.quarterAlpha.signals(for: Self.market(home: [4.5, 1.25, 1.125, 1.125]), at: F.now)
        let signal = try #require(signals.first)
        #expect(signals.count == 1)
        #expect(signal.agent == .consensusAnomaly && signal.outcomeIndex == 0 && signal.outcome == "home")
        #expect(signal.bookmaker == "b1" && signal.decimalOdds == 4.5 && signal.capturedAt == F.now)
        #expect(signal.fairProbability == 0.25)
        #expect(signal.edge == 0.125)
        #expect(signal.confidence == 0.125 / (0.125 + 0.05))
        #expect(signal.reason.contains("Consensus of 4 bookmakers on home: mean odds 2.00, p = 50.00%"))
        #expect(signal.reason.contains("best price 4.50 at b1 exceeds 1/(p − 0.25) = 4.00 (expected margin +12.50%)"))
    }

    @Test func defaultAlphaOnRealisticPrices() throws {
        // Mean 2.2 → p = 1/2.2; threshold 1/(p − 0.05) ≈ 2.4719; best 2.5 qualifies.
        let agent = ConsensusAnomalyAgent()
        let market = Self.market(home: [2.0, 2.1, 2.2, 2.5])
        let signal = try #require(agent.signals(for: market, at: F.now).first)
        let q = 1 / 2.2 - 0.05
        expectClose(signal.fairProbability, q, 1e-15)
        expectClose(signal.edge, q * 2.5 - 1, 1e-15)  // ≈ 0.011364
        // Mean 2.1875 → p ≈ 0.45714, threshold 1/(p − 0.05) ≈ 2.4561 > best 2.45: none.
        #expect(agent.signals(for: Self.market(home: [2.0, 2.1, 2.2, 2.45]), at: F.now).isEmpty)
    }

    @Test func fewerThanTheMinimumBookmakersGiveNothing() throws {
        // α = 0.125, three books with mean (3 + 1.5 + 1.5)/3 = 2: threshold 1/(0.5 − 0.125) = 2.667 < 3.
        let market = F.twoWay([F.quote("b1", [3.0, 1.5]), F.quote("b2", [1.5, 1.5]), F.quote("b3", [1.5, 1.5])])
        #expect(ConsensusAnomalyAgent(configuration: .init(alpha: 0.125)).signals(for: market, at: F.now).isEmpty)
        let three = ConsensusAnomalyAgent(configuration: .init(alpha: 0.125, minBookmakers: 3))
        let signal = try #require(three.signals(for: market, at: F.now).first)
        #expect(signal.edge == 0.125 && signal.fairProbability == 0.375)
    }

    @Test func aggregatesAreIgnoredWhenNotUsedAsTheConsensus() {
        // With aggregate pairs switched off, an aggregate at 10.0 would be the best price and lift the mean; it must
        // count for neither.
        let books = ConsensusAnomalyAgent(configuration: .init(alpha: 0.25, aggregatePairs: []))
        let aggregate = [F.quote("market_max", [10.0, 10.0]), F.quote("market_avg", [9.0, 9.0])]
        let with = books.signals(for: Self.market(home: [4.5, 1.25, 1.125, 1.125], extra: aggregate), at: F.now)
        #expect(with == Self.quarterAlpha.signals(for: Self.market(home: [4.5, 1.25, 1.125, 1.125]), at: F.now))
        // An average without its maximum is no usable pair: three real books plus an aggregate are still three:
        // counted, the neutral average (2.0) would make it four with the same mean, and the anomaly would fire.
        let three = F.twoWay([
            F.quote("b1", [3.0, 1.5]), F.quote("b2", [1.5, 1.5]), F.quote("b3", [1.5, 1.5]),
            F.quote("market_avg", [2.0, 1.5]),
        ])
        #expect(ConsensusAnomalyAgent(configuration: .init(alpha: 0.125)).signals(for: three, at: F.now).isEmpty)
        var real = three
        real.quotes[3].bookmaker = "b4"
        #expect(ConsensusAnomalyAgent(configuration: .init(alpha: 0.125)).signals(for: real, at: F.now).count == 1)
    }

    /// A football-data match with its aggregate columns: five individual books that never qualify, and the market's
    /// mean and maximum over ~40 books, which the paper used.
    static func aggregated(count: Int? = nil, betBrainOnly: Bool = false) -> MarketSnapshot {
        var quotes = (1...5).map { F.quote("b\($0)", [2.05, 3.3, 3.9]) }
        quotes += betBrainOnly ? [] : [F.quote("market_avg", [2.0, 3.4, 4.0]), F.quote("market_max", [2.3, 3.6, 4.5])]
        quotes += [F.quote("betbrain_avg", [2.0, 3.4, 4.0]), F.quote("betbrain_max", [2.4, 3.6, 4.5])]
        var market = F.threeWay(quotes)
        market.aggregateBookCount = count
        return market
    }

    @Test func aggregatesAreThePapersMeanAndMaximumWhenPresent() throws {
        let agent = ConsensusAnomalyAgent()
        // Home: mean 2.0 → p = 0.5, threshold 1/(0.5 − 0.05) = 2.222; the maximum 2.30 exceeds it, margin 0.035.
        // Draw: threshold 1/(1/3.4 − 0.05) ≈ 4.10 > 3.6; away: 1/(0.25 − 0.05) = 5 > 4.5. The books alone: nothing.
        let signal = try #require(agent.signals(for: Self.aggregated(), at: F.now).first)
        #expect(agent.signals(for: Self.aggregated(), at: F.now).count == 1)
        #expect(signal.outcome == "home" && signal.bookmaker == "market_max" && signal.decimalOdds == 2.3)
        expectClose(signal.fairProbability, 0.45, 1e-15)
        expectClose(signal.edge, 0.45 * 2.3 - 1, 1e-12)
        #expect(signal.reason.hasPrefix(
            "Kaunitz et al. on football-data's Max/Avg columns (maximum and mean over about 40 bookmakers) on home: "
                + "mean odds 2.00, p = 50.00%; best price 2.30 at market_max exceeds 1/(p − 0.05) = 2.22"))
        // The books' own consensus (mean 2.05, best 2.05) would not fire.
        #expect(ConsensusAnomalyAgent(configuration: .init(aggregatePairs: [])).signals(for: Self.aggregated(), at: F.now).isEmpty)

        // Older seasons: BetBrain's pair, and the book count from Bb1X2 when the file gives it.
        let betBrain = try #require(agent.signals(for: Self.aggregated(count: 38, betBrainOnly: true), at: F.now).first)
        #expect(betBrain.bookmaker == "betbrain_max" && betBrain.decimalOdds == 2.4)
        #expect(betBrain.reason.hasPrefix("Kaunitz et al. on football-data's BetBrain BbMx/BbAv columns (maximum and mean over 38 bookmakers)"))
        // Fewer books than the paper's minimum behind the aggregate: no bet.
        #expect(agent.signals(for: Self.aggregated(count: 3), at: F.now).isEmpty)
    }

    @Test func futurePricesAndOrderChangeNothing() {
        let market = Self.market(home: [4.5, 1.25, 1.125, 1.125])
        let expected = Self.quarterAlpha.signals(for: market, at: F.now)
        #expect(expected.count == 1)
        #expect(Self.quarterAlpha.signals(for: F.withFuture(market), at: F.now) == expected)
        #expect(Self.quarterAlpha.signals(for: F.shuffled(F.withFuture(market)), at: F.now) == expected)
        // Before the prices were captured there is nothing.
        #expect(Self.quarterAlpha.signals(for: market, at: F.minutes(-1)).isEmpty)
    }

    @Test func onlyTheBestOutcomeUnlessAskedForAll() {
        // Both means are exactly 2.0 (threshold 4.0 with α = 0.25): home best 4.5 → margin 0.125,
        // away best 4.25 → margin 0.0625. The paper bets only the larger.
        let market = F.twoWay([
            F.quote("b1", [4.5, 4.25]), F.quote("b2", [1.25, 1.25]), F.quote("b3", [1.125, 1.25]),
            F.quote("b4", [1.125, 1.25]),
        ])
        #expect(Self.quarterAlpha.signals(for: market, at: F.now).map(\.outcomeIndex) == [0])
        let all = ConsensusAnomalyAgent(configuration: .init(alpha: 0.25, bestOutcomeOnly: false))
            .signals(for: market, at: F.now)
        #expect(all.map(\.outcomeIndex) == [0, 1])
        #expect(all.map(\.edge) == [0.125, 0.0625])
    }

    @Test func stalePricesCanBeExcluded() {
        var market = Self.market(home: [4.5, 1.25, 1.125, 1.125])
        market.quotes[3] = F.quote("b4", [1.125, 1.5], at: F.minutes(-90))
        let agent = ConsensusAnomalyAgent(configuration: .init(alpha: 0.25, maxPriceAge: 3600))
        #expect(agent.signals(for: market, at: F.now).isEmpty)  // only 3 fresh books remain
        #expect(Self.quarterAlpha.signals(for: market, at: F.now).count == 1)
    }
}
