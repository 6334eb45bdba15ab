import Foundation
import Testing

@testable import MonPSCore

/// ``HistoricalMarkets`` on hand-built events: when the decision is taken and how results grade. The same mapping
/// of real parsed files is tested in MonPSTests (Backtesting/HistoricalMarketsTests).
@Suite("History: imported events → markets")
struct HistoricalMarketsTests {
    let start = Date(timeIntervalSince1970: 1_565_445_600)  // 2019-08-10T14:00:00Z

    /// The decision moves before a closing price captured earlier than start − 30 min (generic CSV timing).
    @Test func earlyClosingPricesMoveTheDecision() throws {
        let event = ImportedEvent(
            sportKey: "esports_lol", competition: nil, home: "G2", away: "Fnatic", startsAt: start, externalID: "x",
            snapshots: [
                ImportedPrice(bookmakerKey: "pinnacle", market: .h2h, outcome: .home, price: 1.5,
                              capturedAt: start.addingTimeInterval(-7200), isClosing: false),
                ImportedPrice(bookmakerKey: "pinnacle", market: .h2h, outcome: .home, price: 1.6,
                              capturedAt: start.addingTimeInterval(-5400), isClosing: false),
                ImportedPrice(bookmakerKey: "pinnacle", market: .h2h, outcome: .home, price: 1.4,
                              capturedAt: start.addingTimeInterval(-3600), isClosing: true),
                ImportedPrice(bookmakerKey: "pinnacle", market: .h2h, outcome: .away, price: 2.9,
                              capturedAt: start.addingTimeInterval(-3600), isClosing: true),
            ],
            result: ImportedResult(homeScore: 1, awayScore: 0, status: .finished, winner: .home), sourceLine: 2)
        let set = HistoricalMarkets.map([event])
        let market = try #require(set.markets.first)
        #expect(market.decisionTime == start.addingTimeInterval(-3600))
        #expect(market.snapshot.outcomes == ["home", "away"])
        #expect(market.snapshot.quotes[0].prices[0]?.decimalOdds == 1.6)
        #expect(market.snapshot.history.map(\.price.decimalOdds) == [1.5])
        #expect(market.closingOdds == [1.4, 2.9])
    }

    @Test func tennisRetirementsAndWalkoversVoidMatchBets() throws {
        func event(_ id: String, _ status: ResultOutcome, winner: MatchResultSelection?) -> ImportedEvent {
            ImportedEvent(
                sportKey: "tennis_atp", competition: "Doha", home: "Alpha", away: "Beta", startsAt: start,
                externalID: id,
                snapshots: [PriceOutcome.home, .away].map {
                    ImportedPrice(bookmakerKey: "pinnacle", market: .h2h, outcome: $0, price: 1.9,
                                  capturedAt: ImportTiming.untimed(start), isClosing: false)
                },
                result: ImportedResult(
                    homeScore: 1, awayScore: 0, periodScores: [[6, 4], [2, 1]], status: status, winner: winner),
                sourceLine: 2)
        }
        let set = HistoricalMarkets.map([
            event("m1", .finished, winner: .home), event("m2", .retired, winner: .home), event("m3", .walkover, winner: .away),
            event("m4", .retired, winner: nil),  // nobody goes through: nothing can be graded
        ])
        #expect(set.events == 3 && set.eventsWithoutResult == 1)
        // Untimed tennis prices (start − 1 h) are visible at the decision (start − 30 min).
        #expect(set.markets.allSatisfy { $0.snapshot.quotes.count == 1 })
        let results = Dictionary(uniqueKeysWithValues: set.markets.map { ($0.snapshot.eventID, $0.result) })
        #expect(results[1] == .winner(0))
        for id: Int64 in [2, 3] {
            guard case .graded(let markets, let status, let rules) = try #require(results[id]) else {
                Issue.record("event \(id) is not graded")
                continue
            }
            #expect(markets == [.moneyline(.home), .moneyline(.away)])
            let home = try Settler.settle(
                BetSlip(stake: 100, decimalOdds: 1.9, market: markets[0]), status: status, rules: rules, now: .max)
            #expect(home.result?.outcome == .void && home.result?.payout == 100)
        }
    }
}
