import Foundation
import MonPSCore
import MonPSAPI

/// Operations of the `events` tag: events, their prices and line history, bookmakers.
extension APIHandler {
    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let query = input.query
        let filter = EventFilter(
            sport: query.sport, group: query.group?.rawValue, competition: query.competition,
            status: query.status?.rawValue, from: query.from, to: query.to, descending: query.order == .desc)
        let fetched = try await events.list(
            filter, participant: query.participant, after: try Self.eventCursor(page.after), limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.startsAt.timeIntervalSince1970), String($0.id)] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.Event.init), nextCursor: .init(next)))))
    }

    func getEvent(_ input: Operations.GetEvent.Input) async throws -> Operations.GetEvent.Output {
        .ok(.init(body: .json(try Components.Schemas.Event(try await events.get(id: input.path.id)))))
    }

    func getEventOdds(_ input: Operations.GetEventOdds.Input) async throws -> Operations.GetEventOdds.Output {
        let odds = try await events.odds(eventID: input.path.id, market: input.query.market.map(MarketType.init))
        return .ok(.init(body: .json(.init(
            eventId: odds.event.id, started: odds.started,
            best: odds.prices.best.map(Components.Schemas.BookmakerPrice.init),
            latest: odds.prices.latest.map(Components.Schemas.BookmakerPrice.init),
            closing: odds.prices.closing.map(Components.Schemas.BookmakerPrice.init)))))
    }

    func getEventOddsHistory(_ input: Operations.GetEventOddsHistory.Input) async throws -> Operations.GetEventOddsHistory.Output {
        let query = input.query
        let filter = HistoryFilter(
            market: query.market.map(MarketType.init), bookmaker: query.bookmaker, from: query.from, to: query.to)
        let history = try await events.history(eventID: input.path.id, filter: filter)
        let series = history.series.map { series in
            Components.Schemas.OddsSeries(
                bookmaker: series.bookmaker, market: .init(series.market), outcome: .init(series.outcome),
                points: series.points.map { .init(capturedAt: $0.capturedAt, price: $0.price, point: $0.point) })
        }
        return .ok(.init(body: .json(.init(
            eventId: history.event.id, startsAt: history.event.startsAt, series: series, truncated: history.truncated))))
    }

    func listBookmakers(_ input: Operations.ListBookmakers.Input) async throws -> Operations.ListBookmakers.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let fetched = try await events.bookmakers(sharp: input.query.sharp, afterKey: page.after?.first, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [$0.key] }
        let data = items.map { Components.Schemas.Bookmaker(key: $0.key, title: $0.title, sharp: $0.sharp, aggregate: $0.aggregate) }
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(next)))))
    }

    private static func eventCursor(_ values: [String]?) throws -> (startsAt: Date, id: Int64)? {
        guard let values else { return nil }
        guard values.count == 2, let seconds = Double(values[0]), seconds.isFinite, let id = Int64(values[1]) else {
            throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
        }
        return (Date(timeIntervalSince1970: seconds), id)
    }
}

extension Components.Schemas.Event {
    init(_ record: EventRecord) throws {
        guard let group = Components.Schemas.SportGroup(rawValue: record.groupKey) else { throw APIError.internalError }
        let status: Components.Schemas.EventStatus =
            switch record.status {
            case .scheduled: .scheduled
            case .live: .live
            case .finished: .finished
            case .cancelled: .cancelled
            case .postponed: .postponed
            }
        self.init(
            id: record.id, sport: record.sportKey, group: group, competition: record.competition,
            home: .init(id: record.homeID, name: record.homeName), away: .init(id: record.awayID, name: record.awayName),
            startsAt: record.startsAt, status: status, result: record.result.map(Components.Schemas.EventResult.init))
    }
}

extension Components.Schemas.EventResult {
    init(_ record: EventResultRecord) {
        self.init(
            homeScore: record.homeScore, awayScore: record.awayScore, regulationHome: record.regulationHome,
            regulationAway: record.regulationAway, periodScores: record.periodScores, outcome: .init(record.outcome),
            winner: record.winner.map(Components.Schemas.MatchWinner.init), overtime: record.overtime, notes: record.notes)
    }
}

extension Components.Schemas.BookmakerPrice {
    init(_ record: PriceRecord) {
        self.init(
            bookmaker: record.bookmaker, market: .init(record.market), outcome: .init(record.outcome), point: record.point,
            price: record.price,
            capturedAt: record.capturedAt)
    }
}
