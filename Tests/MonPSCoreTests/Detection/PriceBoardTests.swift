import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: price board (as-of view)")
struct PriceBoardTests {
    typealias F = DetectionFixtures

    @Test func latestAtOrBeforeTheInstantWins() {
        let market = F.twoWay(
            [F.quote("bet365", [2.0, 1.9], at: F.minutes(5))],
            history: F.rows("bet365", [2.2, 1.7], at: F.minutes(-30)) + F.rows("bet365", [2.1, 1.8], at: F.minutes(-10)))
        let board = market.board(at: F.now)
        #expect(board.price(of: "bet365", outcome: 0) == PricePoint(2.1, at: F.minutes(-10)))
        #expect(board.fullMarket(of: "bet365")?.map(\.decimalOdds) == [2.1, 1.8])
        // Exactly at the instant counts; later does not.
        #expect(market.board(at: F.minutes(5)).price(of: "bet365", outcome: 0)?.decimalOdds == 2.0)
        #expect(market.board(at: F.minutes(-31)).prices.isEmpty)
    }

    @Test func tiesAreResolvedWithoutInputOrder() {
        let history = [
            PriceObservation(bookmaker: "b", outcome: 0, decimalOdds: 2.3, capturedAt: F.now),
            PriceObservation(bookmaker: "b", outcome: 0, decimalOdds: 2.1, capturedAt: F.now),
            PriceObservation(bookmaker: "b", outcome: 1, decimalOdds: 1.9, capturedAt: F.now),
        ]
        let market = F.twoWay([F.quote("b", [nil, 1.7])], history: history)
        for seed in [UInt64(1), 2, 3, 4] {
            let board = F.shuffled(market, seed: seed).board(at: F.now)
            #expect(board.price(of: "b", outcome: 0)?.decimalOdds == 2.1)  // lower of two rows
            #expect(board.price(of: "b", outcome: 1)?.decimalOdds == 1.7)  // the quote beats a row
        }
    }

    @Test func invalidPricesUnknownOutcomesAndOldPricesAreDropped() {
        let history = [
            PriceObservation(bookmaker: "b", outcome: 0, decimalOdds: 1.0, capturedAt: F.now),
            PriceObservation(bookmaker: "b", outcome: 5, decimalOdds: 2.0, capturedAt: F.now),
            PriceObservation(bookmaker: "b", outcome: 1, decimalOdds: .nan, capturedAt: F.now),
            PriceObservation(bookmaker: "c", outcome: 0, decimalOdds: 2.0, capturedAt: F.minutes(-61)),
            PriceObservation(bookmaker: "c", outcome: 1, decimalOdds: 2.0, capturedAt: F.minutes(-60)),
        ]
        let board = F.twoWay([], history: history).board(at: F.now, maxAge: 3600)
        #expect(board.prices["b"] == nil)
        #expect(board.price(of: "c", outcome: 0) == nil)
        #expect(board.price(of: "c", outcome: 1)?.decimalOdds == 2.0)
        #expect(board.fullMarket(of: "c") == nil)
    }

    @Test func truncationKeepsOnlyStrictlyEarlierPrices() {
        let market = F.twoWay(
            [F.quote("a", [2.0, 1.9], at: F.now), F.quote("b", [2.0, 1.9], at: F.minutes(-1))],
            history: F.rows("a", [2.5, 1.5], at: F.minutes(-5)) + F.rows("a", [3.0, 1.3], at: F.now))
        let cut = market.truncated(before: F.now)
        #expect(cut.quotes.first { $0.bookmaker == "a" }?.prices == [nil, nil])
        #expect(cut.history.count == 2)
        #expect(cut.board(at: F.now).price(of: "a", outcome: 0)?.decimalOdds == 2.5)
        #expect(cut.board(at: F.now).price(of: "b", outcome: 0)?.decimalOdds == 2.0)
    }
}
