import Foundation
import Logging
import PostgresNIO

/// The closing line of an event: per bookmaker and outcome, the last price captured at or before the
/// start. Derived from `odds_snapshots` only (no upstream call) and kept in `closing_odds`.
enum ClosingLine {
    /// How long before the start a price can still be the closing one. Bounds the partitions searched.
    static let lookBack: TimeInterval = 180 * 86_400

    /// Recomputes the closing prices of `eventIDs` (all must have started) and marks them done.
    /// Returns the number of closing prices inserted or changed.
    @discardableResult
    static func mark(eventIDs: [Int64], connection: DatabaseConnection, logger: Logger) async throws -> Int {
        guard !eventIDs.isEmpty else { return 0 }
        let bounds = try await connection.query(
            "SELECT min(starts_at) AS first, max(starts_at) AS last FROM events WHERE id = ANY(\(eventIDs))")
        guard let row = bounds.first else { return 0 }
        let read = RowReader(row)
        guard let first = try read("first", Date?.self), let last = try read("last", Date?.self) else { return 0 }
        let lower = first.addingTimeInterval(-lookBack)
        let changed = try await connection.query(
            """
            WITH closing AS (
                INSERT INTO closing_odds AS c (event_id, bookmaker_id, market, outcome, point, price, captured_at)
                SELECT DISTINCT ON (s.event_id, s.market, s.outcome, s.bookmaker_id)
                    s.event_id, s.bookmaker_id, s.market, s.outcome, s.point, s.price, s.captured_at
                FROM odds_snapshots s JOIN events e ON e.id = s.event_id
                WHERE s.event_id = ANY(\(eventIDs)) AND s.captured_at <= e.starts_at
                  AND s.captured_at >= \(lower) AND s.captured_at <= \(last)
                ORDER BY s.event_id, s.market, s.outcome, s.bookmaker_id, s.captured_at DESC, s.point
                ON CONFLICT (event_id, market, outcome, bookmaker_id) DO UPDATE
                    SET point = excluded.point, price = excluded.price, captured_at = excluded.captured_at
                    WHERE (c.point, c.price, c.captured_at) IS DISTINCT FROM (excluded.point, excluded.price, excluded.captured_at)
                RETURNING 1
            ) SELECT count(*) FROM closing
            """)
        try await connection.query(
            "UPDATE events SET closing_marked_at = now() WHERE id = ANY(\(eventIDs))")
        return try changed.first?.decode(Int.self) ?? 0
    }

    /// Events that started since their closing line was last marked (at most `limit`, oldest first).
    static func pendingEventIDs(database: Database, limit: Int) async throws -> [Int64] {
        try await database.query(
            """
            SELECT id FROM events
            WHERE closing_marked_at IS NULL AND starts_at <= now()
            ORDER BY starts_at, id LIMIT \(limit)
            """
        ).map { try $0.decode(Int64.self) }
    }
}
