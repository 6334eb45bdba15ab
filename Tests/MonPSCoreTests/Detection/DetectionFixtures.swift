import Foundation

@testable import MonPSCore

/// Hand-made markets for the detection tests (namespaced so nothing clashes with other suites).
enum DetectionFixtures {
    /// The decision instant used by most tests.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// `now` shifted by `m` minutes.
    static func minutes(_ m: Double) -> Date { now.addingTimeInterval(m * 60) }

    /// A quote with every listed price captured at `time`.
    static func quote(_ bookmaker: String, _ odds: [Double?], at time: Date = now) -> BookmakerQuote {
        BookmakerQuote(bookmaker: bookmaker, prices: odds.map { $0.map { PricePoint($0, at: time) } })
    }

    /// History rows of a full market at one instant.
    static func rows(_ bookmaker: String, _ odds: [Double], at time: Date) -> [PriceObservation] {
        odds.enumerated().map {
            PriceObservation(bookmaker: bookmaker, outcome: $0.offset, decimalOdds: $0.element, capturedAt: time)
        }
    }

    /// A two-way h2h snapshot.
    static func twoWay(
        _ quotes: [BookmakerQuote], history: [PriceObservation] = [], eventID: Int64 = 1,
        sport: String? = "soccer_epl"
    ) -> MarketSnapshot {
        MarketSnapshot(
            eventID: eventID, sport: sport, market: .h2h, outcomes: ["home", "away"], quotes: quotes,
            history: history)
    }

    /// A 1X2 snapshot.
    static func threeWay(
        _ quotes: [BookmakerQuote], history: [PriceObservation] = [], eventID: Int64 = 1
    ) -> MarketSnapshot {
        MarketSnapshot(
            eventID: eventID, sport: "soccer_epl", market: .h2h, outcomes: ["home", "draw", "away"],
            quotes: quotes, history: history)
    }

    /// Prices that must never matter at `now`: captured after it (quotes of a new bookmaker and
    /// history rows of every bookmaker already in the snapshot).
    static func withFuture(_ market: MarketSnapshot, after time: Date = now) -> MarketSnapshot {
        var copy = market
        let n = market.outcomes.count
        copy.quotes.append(quote("future_book", Array(repeating: 50.0, count: n), at: time.addingTimeInterval(60)))
        for (i, book) in Set(market.quotes.map(\.bookmaker) + market.history.map(\.bookmaker)).sorted().enumerated() {
            copy.history += rows(book, Array(repeating: 1.01 + Double(i), count: n), at: time.addingTimeInterval(1))
            copy.history += rows(book, Array(repeating: 30.0, count: n), at: time.addingTimeInterval(3600))
        }
        return copy
    }

    /// The history in a scrambled (but fixed) order.
    static func shuffled(_ market: MarketSnapshot, seed: UInt64 = 42) -> MarketSnapshot {
        var copy = market
        var generator = SplitMix64(seed: seed)
        copy.history.shuffle(using: &generator)
        copy.quotes.shuffle(using: &generator)
        return copy
    }
}
