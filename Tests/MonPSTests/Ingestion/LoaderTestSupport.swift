import Foundation
import PostgresNIO
import MonPSCore
@testable import MonPS

/// Small hand-made events for loader and read-API tests.
enum SampleEvents {
    static let kickoff = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

    static func price(
        _ bookmaker: String, _ market: MarketType, _ outcome: PriceOutcome, _ price: Double, point: Double? = nil,
        at: Date, closing: Bool = false
    ) -> ImportedPrice {
        ImportedPrice(bookmakerKey: bookmaker, market: market, outcome: outcome, point: point, price: price, capturedAt: at, isClosing: closing)
    }

    /// Man United v Liverpool with early and closing prices at two books and a result.
    static func footballMatch(
        home: String = "Man United", away: String = "Liverpool", startsAt: Date = kickoff, externalID: String = "E0-1",
        result: ImportedResult? = ImportedResult(homeScore: 2, awayScore: 1, regulationHome: 2, regulationAway: 1,
                                                 periodScores: [[1, 0]], status: .finished, winner: .home)
    ) -> ImportedEvent {
        let early = startsAt.addingTimeInterval(-48 * 3600)
        let close = startsAt.addingTimeInterval(-300)
        return ImportedEvent(
            sportKey: "soccer_epl", competition: "E0", home: home, away: away, startsAt: startsAt, externalID: externalID,
            snapshots: [
                price("pinnacle", .h2h, .home, 2.10, at: early), price("pinnacle", .h2h, .draw, 3.50, at: early),
                price("pinnacle", .h2h, .away, 3.60, at: early),
                price("bet365", .h2h, .home, 2.05, at: early), price("bet365", .h2h, .draw, 3.40, at: early),
                price("bet365", .h2h, .away, 3.70, at: early),
                price("pinnacle", .h2h, .home, 1.95, at: close, closing: true),
                price("pinnacle", .h2h, .draw, 3.60, at: close, closing: true),
                price("pinnacle", .h2h, .away, 4.10, at: close, closing: true),
                price("bet365", .totals, .over, 1.90, point: 2.5, at: close, closing: true),
                price("bet365", .totals, .under, 1.95, point: 2.5, at: close, closing: true),
                price("pinnacle", .spreads, .home, 1.93, point: -0.5, at: close, closing: true),
                price("pinnacle", .spreads, .away, 1.97, point: 0.5, at: close, closing: true),
            ],
            result: result, sourceLine: 2)
    }
}

extension Database {
    /// `SELECT count(*)` helper for assertions.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).first?.decode(Int.self) ?? -1
    }
}
