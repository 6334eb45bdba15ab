import Foundation
import MonPSCore

/// Builds the detection core's market snapshots from stored prices: one per event, market and line.
/// Spreads are keyed by the home handicap (the away price must be at the mirrored line), totals by the total.
enum MarketSnapshots {
    struct EventInfo: Sendable {
        var id: Int64
        var sport: String
        var hasDraw: Bool
        var startsAt: Date
    }

    struct StoredPrice: Sendable {
        var eventID: Int64
        var bookmaker: String
        var market: String
        var outcome: String
        var point: Double?
        var price: Double
        var capturedAt: Date
    }

    static func build(
        events: [EventInfo], latest: [StoredPrice], history: [StoredPrice], sharp: String?, aggregates: Set<String>
    ) -> [MarketSnapshot] {
        let byEvent = Dictionary(grouping: latest, by: \.eventID)
        let historyByEvent = Dictionary(grouping: history, by: \.eventID)
        var snapshots: [MarketSnapshot] = []
        for event in events {
            let prices = byEvent[event.id] ?? []
            var markets: [MarketKey: [String: [PricePoint?]]] = [:]
            var outcomesOf: [MarketKey: [String]] = [:]
            for price in prices {
                guard let (key, outcomes) = Self.market(of: price, hasDraw: event.hasDraw),
                      let index = outcomes.firstIndex(of: price.outcome) else { continue }
                outcomesOf[key] = outcomes
                var quotes = markets[key, default: [:]][price.bookmaker] ?? Array(repeating: nil, count: outcomes.count)
                quotes[index] = PricePoint(price.price, at: price.capturedAt)
                markets[key, default: [:]][price.bookmaker] = quotes
            }
            for (key, books) in markets.sorted(by: { $0.key.description < $1.key.description }) {
                guard let outcomes = outcomesOf[key] else { continue }
                let observations = (historyByEvent[event.id] ?? []).compactMap { price -> PriceObservation? in
                    guard let (other, _) = Self.market(of: price, hasDraw: event.hasDraw), other == key,
                          let index = outcomes.firstIndex(of: price.outcome) else { return nil }
                    return PriceObservation(
                        bookmaker: price.bookmaker, outcome: index, decimalOdds: price.price, capturedAt: price.capturedAt)
                }
                snapshots.append(MarketSnapshot(
                    eventID: event.id, sport: event.sport, market: key, outcomes: outcomes, startsAt: event.startsAt,
                    quotes: books.sorted { $0.key < $1.key }.map { BookmakerQuote(bookmaker: $0.key, prices: $0.value) },
                    history: observations, sharpBookmaker: sharp, aggregateBookmakers: aggregates))
            }
        }
        return snapshots
    }

    /// The market a stored price belongs to, and that market's outcomes in order.
    static func market(of price: StoredPrice, hasDraw: Bool) -> (MarketKey, [String])? {
        switch price.market {
        case "h2h":
            return (MarketKey(.h2h), hasDraw ? ["home", "draw", "away"] : ["home", "away"])
        case "spreads":
            guard let point = price.point else { return nil }
            let homeLine = price.outcome == "home" ? point : -point
            return (MarketKey(.spreads, line: homeLine + 0.0), ["home", "away"])
        case "totals":
            guard let point = price.point else { return nil }
            return (MarketKey(.totals, line: point), ["over", "under"])
        default:
            return nil
        }
    }
}
