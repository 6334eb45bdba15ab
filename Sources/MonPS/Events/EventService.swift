import Foundation
import MonPSCore

/// What the `events` feature refuses.
enum EventError: Error, Equatable {
    /// No event with this id (ids are positive; anything else is no event either).
    case notFound(Int64)
}

/// The rules of the `events` feature: how a participant filter matches names, whether an event has started (on the
/// process clock), how a line history is cut and grouped into one series per bookmaker, market and outcome.
/// `EventRepository` runs the SQL.
struct EventService: Sendable {
    let repository: any EventRepository
    let now: @Sendable () -> Date

    /// The most price points one line history carries; beyond it the answer says `truncated`.
    static let historyPointLimit = 10_000

    /// An event's prices now, and whether it has started (its closing prices are shown only then).
    struct Odds: Sendable, Equatable {
        var event: EventRecord
        var started: Bool
        var prices: EventPrices
    }

    /// One bookmaker's prices of one outcome over time (the points in capture order).
    struct PriceSeries: Sendable, Equatable {
        var bookmaker: String
        var market: MarketType
        var outcome: PriceOutcome
        var points: [PriceRecord]
    }

    struct LineHistory: Sendable, Equatable {
        var event: EventRecord
        var series: [PriceSeries]
        var truncated: Bool
    }

    /// Events matching `filter`; `participant` matches either side by its normalised name (`ParticipantName.key`).
    func list(_ filter: EventFilter, participant: String?, after: (startsAt: Date, id: Int64)?, limit: Int) async throws
        -> [EventRecord]
    {
        var filter = filter
        let name = participant?.trimmingCharacters(in: .whitespaces)
        filter.participantKey = name.flatMap { $0.isEmpty ? nil : ParticipantName.key($0) }
        return try await repository.list(filter: filter, after: after, limit: limit)
    }

    func get(id: Int64) async throws -> EventRecord {
        guard id > 0, let event = try await repository.get(id: id) else { throw EventError.notFound(id) }
        return event
    }

    func odds(eventID: Int64, market: MarketType?) async throws -> Odds {
        let event = try await get(id: eventID)
        let prices = try await repository.prices(eventID: event.id, market: market)
        return Odds(event: event, started: event.startsAt <= now(), prices: prices)
    }

    func history(eventID: Int64, filter: HistoryFilter) async throws -> LineHistory {
        let event = try await get(id: eventID)
        let points = try await repository.history(eventID: event.id, filter: filter, limit: Self.historyPointLimit + 1)
        return LineHistory(
            event: event, series: Self.series(points.prefix(Self.historyPointLimit)),
            truncated: points.count > Self.historyPointLimit)
    }

    func bookmakers(sharp: Bool?, afterKey: String?, limit: Int) async throws -> [BookmakerRecord] {
        try await repository.bookmakers(sharp: sharp, afterKey: afterKey, limit: limit)
    }

    /// Groups prices already ordered by bookmaker, market, outcome and time into one series per run of those three.
    static func series(_ points: some Sequence<PriceRecord>) -> [PriceSeries] {
        var series: [PriceSeries] = []
        for price in points {
            if let last = series.last, last.bookmaker == price.bookmaker, last.market == price.market,
                last.outcome == price.outcome
            {
                series[series.count - 1].points.append(price)
            } else {
                series.append(PriceSeries(bookmaker: price.bookmaker, market: price.market, outcome: price.outcome, points: [price]))
            }
        }
        return series
    }
}
