import Foundation
import MonPSCore
import PostgresNIO

/// Reads settled events and their stored prices back as the records the file parsers produce, so that a backtest
/// over the database replays them through ``HistoricalMarkets`` exactly as `monps backtest` replays the files.
///
/// Every stored snapshot is an ordinary (pre-closing) price: ``HistoricalMarkets`` shows an agent only those
/// captured before the decision time. Each row of `closing_odds` (the last price at or before the start) is added
/// once more as a closing price stamped at the start — the line standing at kick-off — which serves CLV only and
/// never moves the decision earlier.
struct StoredHistory: Sendable {
    let database: Database
    /// Events whose prices are read in one query (bounds memory per round trip and lets PostgreSQL prune
    /// the monthly partitions to the chunk's dates).
    var chunkSize = 1_000
    /// How long before its start an event's earliest price may be (partition pruning of the price query).
    var pricesLookBack: TimeInterval = 60 * 86_400

    struct Filter: Sendable, Equatable {
        /// A sport key, its group or its last part, as ``HistoricalMarketOptions/sport``.
        var sport: String?
        var from: Date?
        var until: Date?
    }

    private struct StoredEvent {
        var id: Int64
        var sport: String
        var startsAt: Date
        var result: ImportedResult
    }

    /// The events with a result in `filter`, in start order, with their prices.
    func events(_ filter: Filter) async throws -> [ImportedEvent] {
        let stored = try await settledEvents(filter)
        var events: [ImportedEvent] = []
        events.reserveCapacity(stored.count)
        var start = 0
        while start < stored.count {
            try Task.checkCancellation()
            let chunk = stored[start..<min(start + chunkSize, stored.count)]
            start += chunkSize
            var prices = try await snapshots(of: chunk)
            for event in chunk {
                events.append(ImportedEvent(
                    sportKey: event.sport, competition: nil, home: "home", away: "away", startsAt: event.startsAt,
                    externalID: String(event.id), snapshots: prices.removeValue(forKey: event.id) ?? [],
                    result: event.result, sourceLine: 0))
            }
        }
        return events
    }

    private func settledEvents(_ filter: Filter) async throws -> [StoredEvent] {
        let sport = filter.sport?.lowercased()
        return try await database.query(
            """
            SELECT e.id, e.sport_key, e.starts_at, r.home_score, r.away_score, r.regulation_home, r.regulation_away,
                   r.period_scores::text AS period_scores, r.outcome, r.winner, r.notes
            FROM events e JOIN event_results r ON r.event_id = e.id
            WHERE (\(sport)::text IS NULL OR e.sport_key = \(sport) OR starts_with(e.sport_key, \(sport) || '_')
                   OR right(e.sport_key, length(\(sport)) + 1) = '_' || \(sport))
              AND (\(filter.from)::timestamptz IS NULL OR e.starts_at >= \(filter.from))
              AND (\(filter.until)::timestamptz IS NULL OR e.starts_at < \(filter.until))
            ORDER BY e.starts_at, e.id
            """
        ).map { row in
            let read = RowReader(row)
            let periods = try EventResultRecord.periodScores(stored: try read("period_scores"))
            let result = ImportedResult(
                homeScore: try read("home_score"), awayScore: try read("away_score"),
                regulationHome: try read("regulation_home"), regulationAway: try read("regulation_away"),
                periodScores: periods, status: try read("outcome"), winner: try read("winner"), notes: try read("notes"))
            return StoredEvent(id: try read("id"), sport: try read("sport_key"), startsAt: try read("starts_at"), result: result)
        }
    }

    /// Prices of `chunk` by event: every snapshot before the start, then the closing rows stamped at the start.
    private func snapshots(of chunk: ArraySlice<StoredEvent>) async throws -> [Int64: [ImportedPrice]] {
        guard let first = chunk.first, let last = chunk.last else { return [:] }
        let ids = chunk.map(\.id)
        let starts = Dictionary(uniqueKeysWithValues: chunk.map { ($0.id, $0.startsAt) })
        let earliest = first.startsAt.addingTimeInterval(-pricesLookBack)
        var prices: [Int64: [ImportedPrice]] = [:]
        let open = try await database.query(
            """
            SELECT s.event_id, k.key AS bookmaker, s.market, s.outcome, s.point, s.price, s.captured_at
            FROM odds_snapshots s JOIN bookmakers k ON k.id = s.bookmaker_id
            WHERE s.event_id = ANY(\(ids)) AND s.captured_at >= \(earliest) AND s.captured_at <= \(last.startsAt)
            ORDER BY s.event_id, s.captured_at, k.key, s.market, s.outcome, s.point
            """)
        for row in open {
            let read = RowReader(row)
            let event: Int64 = try read("event_id"), at: Date = try read("captured_at")
            guard let start = starts[event], at <= start else { continue }
            prices[event, default: []].append(ImportedPrice(
                bookmakerKey: try read("bookmaker"), market: try read("market"), outcome: try read("outcome"),
                point: try read("point"), price: try read("price"), capturedAt: at, isClosing: false))
        }
        let closing = try await database.query(
            """
            SELECT c.event_id, k.key AS bookmaker, c.market, c.outcome, c.point, c.price
            FROM closing_odds c JOIN bookmakers k ON k.id = c.bookmaker_id
            WHERE c.event_id = ANY(\(ids))
            ORDER BY c.event_id, k.key, c.market, c.outcome, c.point
            """)
        for row in closing {
            let read = RowReader(row)
            let event: Int64 = try read("event_id")
            guard let start = starts[event] else { continue }
            prices[event, default: []].append(ImportedPrice(
                bookmakerKey: try read("bookmaker"), market: try read("market"), outcome: try read("outcome"),
                point: try read("point"), price: try read("price"), capturedAt: start, isClosing: true))
        }
        return prices
    }
}
