import Foundation
import MonPSCore
import Testing
@testable import MonPS

/// The historical markets of parsed files (the fixtures go through MonPS's parsers); the rules on hand-built events
/// are tested in MonPSCoreTests/History.
@Suite("Backtesting: historical files → markets", .hangGuard)
struct HistoricalMarketsTests {
    static let start = IngestionFixtures.utc("2019-08-10T14:00:00Z")  // 15:00 BST
    static let decision = IngestionFixtures.utc("2019-08-10T13:30:00Z")

    @Test func footballFileGivesExactlyTheseMarkets() throws {
        let set = HistoricalMarkets.map(try BacktestFixtures.parsed().events)
        #expect(set.events == 2 && set.eventsWithoutResult == 1 && set.duplicateEvents == 0)
        #expect(set.eventsWithoutPrices == 0 && set.eventsOutsideFilter == 0)
        // Arsenal (id 1) before Everton (id 2): same start, external ids in order.
        #expect(set.markets.map { "\($0.snapshot.eventID) \($0.snapshot.market)" } == [
            "1 h2h", "1 totals 2.5", "1 spreads -0.5", "2 h2h", "2 totals 2.5",
        ])
        let h2h = set.markets[0]
        #expect(h2h.snapshot.outcomes == ["home", "draw", "away"])
        #expect(h2h.snapshot.sport == "soccer_epl" && h2h.snapshot.sharpBookmaker == "pinnacle")
        #expect(h2h.decisionTime == Self.decision)
        #expect(h2h.settledAt == Self.start.addingTimeInterval(3 * 3600))
        // The individual bookmakers, each with its early prices, and football-data's aggregates over all books
        // (`market_avg`, `market_max`), which agent A reads as Kaunitz et al. did and the other agents leave alone.
        #expect(h2h.snapshot.quotes.map(\.bookmaker) == [
            "bet365", "bwin", "interwetten", "market_avg", "market_max", "pinnacle", "williamhill",
        ])
        #expect(h2h.snapshot.quotes.last!.prices.map { $0?.decimalOdds } == [2.40, 3.20, 3.40])
        #expect(h2h.snapshot.history.isEmpty)
        // Pinnacle's closing prices for CLV; the result from the score.
        #expect(h2h.closingOdds == [1.95, 3.60, 4.20])
        #expect(h2h.result == .winner(0))
        #expect(set.markets[3].result == .winner(1))  // 0-0

        let totals = set.markets[1]
        #expect(totals.snapshot.outcomes == ["over", "under"])
        #expect(totals.snapshot.quotes.map(\.bookmaker) == ["bet365", "pinnacle"])
        #expect(totals.closingOdds == [1.85, 2.05])
        #expect(totals.result == .graded(
            markets: [.total(.over, line: 2.5), .total(.under, line: 2.5)],
            status: .completed(EventScore(home: 2, away: 1)), rules: SettlementRules()))

        let spreads = set.markets[2]
        #expect(spreads.snapshot.outcomes == ["home", "away"])
        #expect(spreads.snapshot.quotes.first { $0.bookmaker == "pinnacle" }?.prices.map { $0?.decimalOdds } == [2.07, 1.87])
        #expect(spreads.closingOdds == [1.97, 1.95])  // closing line −0.5 = the early line
        #expect(set.markets[4].closingOdds == [2.10, 1.80])
    }

    @Test func decisionsComeAfterEveryPreMatchPriceAndBeforeEveryClosingPrice() throws {
        let parsed = try BacktestFixtures.parsed()
        let set = HistoricalMarkets.map(parsed.events)
        for market in set.markets {
            for quote in market.snapshot.quotes {
                for point in quote.prices.compactMap({ $0 }) {
                    #expect(point.capturedAt == ImportTiming.early(Self.start))
                    #expect(point.capturedAt < market.decisionTime)
                }
            }
        }
        let closingTimes = parsed.events.flatMap(\.snapshots).filter(\.isClosing).map(\.capturedAt)
        #expect(!closingTimes.isEmpty)
        for market in set.markets {
            #expect(closingTimes.allSatisfy { $0 > market.decisionTime })
        }
    }

    @Test func filtersAggregatesAndDuplicates() throws {
        let events = try BacktestFixtures.parsed().events
        let twice = HistoricalMarkets.map(events + events.reversed())
        #expect(twice.duplicateEvents == 3 && twice.events == 2 && twice.markets.count == 5)
        #expect(HistoricalMarkets.map(events, options: .init(sport: "tennis")).eventsOutsideFilter == 3)
        for sport in ["soccer", "soccer_epl", "epl", "SOCCER"] {
            #expect(HistoricalMarkets.map(events, options: .init(sport: sport)).markets.count == 5)
        }
        let after = HistoricalMarkets.map(events, options: .init(from: Self.start.addingTimeInterval(1)))
        #expect(after.eventsOutsideFilter == 2)  // the 15:00 matches
        #expect(HistoricalMarkets.map(events, options: .init(until: Self.start)).eventsOutsideFilter == 3)
        #expect(HistoricalMarkets.map(events, options: .init(markets: [.h2h])).markets.count == 2)
        #expect(HistoricalMarkets.isAggregate("market_max") && HistoricalMarkets.isAggregate("betbrain_avg"))
        #expect(!HistoricalMarkets.isAggregate("pinnacle"))
    }

    /// Closing prices are never visible: replacing every closing value (even with prices that would lure
    /// every agent) changes no bet of any strategy, only the CLV.
    @Test(arguments: ["A", "B", "C", "consensus"])
    func closingPricesChangeNoBet(agent: String) throws {
        let strategy = try BacktestSetup.agent(agent).strategy
        let configuration = BacktestConfiguration(startingBankroll: 100_000, staking: .flat(100))
        func bets(_ closing: [[String]]) throws -> [String] {
            let markets = HistoricalMarkets.map(try BacktestFixtures.parsed(closing: closing).events).markets
            return try Backtest.run(markets, strategy: strategy, configuration: configuration).bets.map {
                "\($0.eventID) \($0.market) \($0.outcome) \($0.bookmaker) \($0.decimalOdds) \($0.stake) \($0.payout)"
            }
        }
        let normal = try bets(BacktestFixtures.defaultClosing)
        #expect(try bets(BacktestFixtures.luringClosing) == normal)
        let expected: [String: [String]] = [
            "A": ["1 h2h home market_max 2.4 100 240"], "B": ["1 h2h home williamhill 2.4 100 240"], "C": [],
            "consensus": ["1 h2h home williamhill 2.4 100 240"],
        ]
        #expect(normal == expected[agent])
    }
}
