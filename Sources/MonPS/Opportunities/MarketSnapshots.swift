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

    /// A stored price as read: the bookmaker by its id (resolved through ``Bookmakers``, not joined per row).
    struct StoredPrice: Sendable {
        var eventID: Int64
        var bookmakerID: Int16
        var market: String
        var outcome: String
        var point: Double?
        var price: Double
        var capturedAt: Date
    }

    /// The bookmakers table as the agents need it.
    struct Bookmakers: Sendable {
        /// id → key.
        var keys: [Int16: String]
        /// The reference bookmaker (the first one flagged sharp, else `pinnacle`).
        var sharp: String
        /// Ids of the bookmakers flagged sharp (else `pinnacle`'s): the only ones whose history detection reads.
        var sharpIDs: [Int16] = []
        /// Keys of the market average/maximum style rows.
        var aggregates: Set<String>
    }

    /// The latest quotes and the history of one market of one event while it is being built.
    private struct Market {
        var outcomes: [String]
        var quotes: [String: [PricePoint?]] = [:]
        var history: [PriceObservation] = []
    }

    /// One pass over the latest prices, then one over the history: each row is mapped to its market once.
    static func build(
        events: [EventInfo], latest: [StoredPrice], history: [StoredPrice], bookmakers: Bookmakers
    ) -> [MarketSnapshot] {
        let byEvent = Dictionary(grouping: latest, by: \.eventID)
        let historyByEvent = Dictionary(grouping: history, by: \.eventID)
        var snapshots: [MarketSnapshot] = []
        for event in events {
            var markets: [MarketKey: Market] = [:]
            for price in byEvent[event.id] ?? [] {
                guard let book = bookmakers.keys[price.bookmakerID],
                      let (key, outcomes) = Self.market(of: price, hasDraw: event.hasDraw),
                      let index = outcomes.firstIndex(of: price.outcome) else { continue }
                markets[key, default: Market(outcomes: outcomes)]
                    .quotes[book, default: Array(repeating: nil, count: outcomes.count)][index] =
                    PricePoint(price.price, at: price.capturedAt)
            }
            // History only counts for markets that are priced now.
            for price in historyByEvent[event.id] ?? [] {
                guard let book = bookmakers.keys[price.bookmakerID],
                      let (key, outcomes) = Self.market(of: price, hasDraw: event.hasDraw), markets[key] != nil,
                      let index = outcomes.firstIndex(of: price.outcome) else { continue }
                markets[key]?.history.append(PriceObservation(
                    bookmaker: book, outcome: index, decimalOdds: price.price, capturedAt: price.capturedAt))
            }
            for (key, market) in markets.sorted(by: { $0.key.description < $1.key.description }) {
                snapshots.append(MarketSnapshot(
                    eventID: event.id, sport: event.sport, market: key, outcomes: market.outcomes,
                    startsAt: event.startsAt,
                    quotes: market.quotes.sorted { $0.key < $1.key }.map { BookmakerQuote(bookmaker: $0.key, prices: $0.value) },
                    history: market.history, sharpBookmaker: bookmakers.sharp, aggregateBookmakers: bookmakers.aggregates))
            }
        }
        return snapshots
    }

    /// The market a stored price belongs to (see `MarketKey.init(market:outcome:point:)`) and its outcomes in order.
    static func market(of price: StoredPrice, hasDraw: Bool) -> (MarketKey, [String])? {
        MarketKey(market: price.market, outcome: price.outcome, point: price.point).map { ($0, $0.type.outcomes(hasDraw: hasDraw)) }
    }
}
