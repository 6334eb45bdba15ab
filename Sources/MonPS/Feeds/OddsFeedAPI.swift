import Foundation
import MonPSAPI
import MonPSCore

/// `POST /v1/feeds/odds`: maps the contract's batch onto the loader's events; the rules are `OddsFeedService`'s.
extension APIHandler {
    func pushOdds(_ input: Operations.PushOdds.Input) async throws -> Operations.PushOdds.Output {
        _ = try RequestScope.requirePrincipal()
        let batch: Components.Schemas.OddsFeedBatch
        switch input.body {
        case .json(let body): batch = body
        }
        let items = batch.events.map { item in
            OddsFeedService.Item(
                event: ImportedEvent(
                    sportKey: item.sportKey, competition: item.competition.map(Self.trimmed), home: Self.trimmed(item.home),
                    away: Self.trimmed(item.away), startsAt: item.startsAt, externalID: item.id,
                    snapshots: (item.prices ?? []).map { price in
                        ImportedPrice(
                            bookmakerKey: price.bookmaker, market: MarketType(price.market), outcome: PriceOutcome(price.outcome),
                            point: price.point, price: price.price, capturedAt: price.capturedAt,
                            isClosing: price.isClosing ?? false)
                    },
                    result: nil, sourceLine: 0),
                result: item.result.map { result in
                    OddsFeedService.Result(
                        status: ResultOutcome(result.status), homeScore: result.homeScore, awayScore: result.awayScore,
                        winner: result.winner.map(MatchResultSelection.init))
                })
        }
        let summary = try await oddsFeed.push(source: batch.source, items: items)
        return .ok(.init(body: .json(.init(
            source: batch.source, eventsReceived: items.count, eventsCreated: summary.eventsCreated,
            eventsMatched: summary.eventsMatched, snapshotsAdded: summary.snapshotsAdded,
            snapshotsKnown: summary.snapshotsKnown, resultsStored: summary.resultsStored))))
    }

    private static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }
}
