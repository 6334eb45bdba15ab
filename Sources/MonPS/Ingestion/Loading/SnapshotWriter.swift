import Foundation
import Logging
import PostgresNIO

/// Writes a batch's prices once its events are resolved.
///
/// Prices of events this load created cannot collide with anything stored (the event did not exist and the
/// loader holds the ingestion lock), so they are de-duplicated here and streamed with `COPY` straight into the
/// partitioned series, and their latest and closing prices are computed here and copied into `latest_odds` and
/// `closing_odds`. Prices of events seen before go through the staging table and `ON CONFLICT DO NOTHING`.
struct SnapshotWriter {
    let connection: PostgresConnection
    let logger: Logger
    let source: IngestionSource
    let statements: LoaderStatements

    struct Written: Sendable, Equatable {
        var added = 0
        var known = 0
    }

    /// One price with resolved ids.
    private struct Row: Hashable {
        var eventID: Int64
        var bookmakerID: Int16
        var market: String
        var outcome: String
        var point: Double?
        var price: Double
        var capturedAt: Date
    }

    /// The identity of a series point (the unique index of `odds_snapshots`).
    private struct PointKey: Hashable {
        var eventID: Int64
        var bookmakerID: Int16
        var market: String
        var outcome: String
        var capturedAt: Date
        var point: Double?
    }

    /// The identity of a latest/closing price.
    private struct LineKey: Hashable {
        var eventID: Int64
        var market: String
        var outcome: String
        var bookmakerID: Int16
    }

    func write(_ events: [ImportedEvent], staged: [StagedEvent], now: Date = Date()) async throws -> Written {
        let total = events.reduce(0) { $0 + $1.snapshots.count }
        guard total > 0 else { return Written() }
        let bookmakers = try await statements.bookmakerIDs(Set(events.flatMap { $0.snapshots.map(\.bookmakerKey) }))
        var earliest = Date.distantFuture, latest = Date.distantPast
        var fresh: [Row] = [], seen: [Row] = []
        fresh.reserveCapacity(total)
        var seenKeys = Set<PointKey>()
        var newestByLine: [LineKey: Row] = [:]
        var closingByLine: [LineKey: Row] = [:]
        for (seq, event) in events.enumerated() {
            let target = staged[seq]
            let started = event.startsAt <= now
            for price in event.snapshots {
                guard let bookmaker = bookmakers[price.bookmakerKey] else { continue }
                let row = Row(
                    eventID: target.id, bookmakerID: bookmaker, market: price.market, outcome: price.outcome,
                    point: price.point, price: price.price, capturedAt: price.capturedAt)
                earliest = min(earliest, price.capturedAt)
                latest = max(latest, price.capturedAt)
                guard target.isNew else {
                    seen.append(row)
                    continue
                }
                let key = PointKey(
                    eventID: row.eventID, bookmakerID: bookmaker, market: row.market, outcome: row.outcome,
                    capturedAt: row.capturedAt, point: row.point)
                guard seenKeys.insert(key).inserted else { continue }
                fresh.append(row)
                let line = LineKey(eventID: row.eventID, market: row.market, outcome: row.outcome, bookmakerID: bookmaker)
                if Self.isLater(row, than: newestByLine[line]) { newestByLine[line] = row }
                if started, row.capturedAt <= event.startsAt, Self.isLater(row, than: closingByLine[line]) {
                    closingByLine[line] = row
                }
            }
        }
        try await statements.ensurePartitions(from: earliest, to: latest)
        var written = Written(added: fresh.count, known: total - fresh.count - seen.count)
        try await copy(fresh, into: "odds_snapshots", withSource: true)
        try await copy(Array(newestByLine.values), into: "latest_odds", withSource: false)
        try await copy(Array(closingByLine.values), into: "closing_odds", withSource: false)
        if !seen.isEmpty {
            try await copy(seen, into: "stage_odds", withSource: false)
            let added = try await statements.storeStagedSnapshots()
            written.added += added
            written.known += seen.count - added
        }
        return written
    }

    /// Same order as the SQL's `ORDER BY captured_at DESC, point`: the later price, and on a tie the lower line.
    private static func isLater(_ row: Row, than current: Row?) -> Bool {
        guard let current else { return true }
        if row.capturedAt != current.capturedAt { return row.capturedAt > current.capturedAt }
        return (row.point ?? -.infinity) < (current.point ?? -.infinity)
    }

    private func copy(_ rows: [Row], into table: String, withSource: Bool) async throws {
        guard !rows.isEmpty else { return }
        var columns = ["event_id", "bookmaker_id", "market", "outcome", "point", "price", "captured_at"]
        if withSource { columns.append("source") }
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var encoder = CopyTextEncoder(capacity: 1 << 18)
            for row in rows {
                encoder.int(Int(row.eventID))
                encoder.int(Int(row.bookmakerID))
                encoder.text(row.market)
                encoder.text(row.outcome)
                encoder.double(row.point)
                encoder.double(row.price)
                encoder.timestamp(row.capturedAt)
                if withSource { encoder.text(source.rawValue) }
                encoder.endRow()
                if encoder.readableBytes > 1 << 18 { try await writer.write(encoder.take()) }
            }
            if encoder.readableBytes > 0 { try await writer.write(encoder.take()) }
        }
    }
}
