import Foundation
import Logging
import PostgresNIO

/// Writes a batch's planned prices (see `PricePlan`) once its events are resolved.
///
/// Prices of events this load created cannot collide with anything stored (the event did not exist and the
/// loader holds the ingestion lock), so they are streamed with `COPY` straight into the partitioned series,
/// and their planned latest and closing lines into `latest_odds` and `closing_odds`. Prices of events seen
/// before go through the staging table and `ON CONFLICT DO NOTHING`.
struct SnapshotWriter {
    let connection: DatabaseConnection
    let logger: Logger
    let source: IngestionSource
    let statements: LoaderStatements

    struct Written: Sendable, Equatable {
        var added = 0
        var known = 0
    }

    func write(_ plan: PricePlan, staged: [StagedEvent]) async throws -> Written {
        guard plan.priceCount > 0 else { return Written() }
        let ids = try await statements.bookmakerIDs(Set(plan.bookmakerKeys))
        let bookmakers = try plan.bookmakerKeys.map { key in
            guard let id = ids[key] else { throw IngestionStorageError.noRowReturned }
            return Int(id)
        }
        try await statements.ensurePartitions(containing: plan.monthSamples)
        let isNew = { (row: PricePlan.Row) in staged[Int(row.seq)].isNew }
        let fresh = try await copy(plan, plan.series, into: "odds_snapshots", bookmakers, staged, withSource: true, where: isNew)
        try await copy(plan, plan.latest, into: "latest_odds", bookmakers, staged, withSource: false, where: isNew)
        try await copy(plan, plan.closing, into: "closing_odds", bookmakers, staged, withSource: false, where: isNew)
        var written = Written(added: fresh, known: plan.priceCount - fresh)
        let seen = try await copy(plan, plan.series, into: "stage_odds", bookmakers, staged, withSource: false) { !isNew($0) }
        if seen > 0 {
            let added = try await statements.storeStagedSnapshots()
            written.added += added
            written.known -= added
        }
        return written
    }

    /// Streams the `rows` that pass `filter` into `table`; returns how many. The connection sends each 256 KiB
    /// chunk as soon as it is full (waiting only while the socket is backed up), so encoding the next chunk
    /// overlaps PostgreSQL ingesting the previous one.
    @discardableResult
    private func copy(
        _ plan: PricePlan, _ rows: [PricePlan.Row], into table: String, _ bookmakers: [Int], _ staged: [StagedEvent],
        withSource: Bool, where filter: (PricePlan.Row) -> Bool
    ) async throws -> Int {
        guard rows.contains(where: filter) else { return 0 }
        var columns = ["event_id", "bookmaker_id", "market", "outcome", "point", "price", "captured_at"]
        if withSource { columns.append("source") }
        var count = 0
        try await connection.copyFrom(table: table, columns: columns) { writer in
            var encoder = CopyTextEncoder(capacity: 1 << 18)
            for row in rows where filter(row) {
                encoder.int(Int(staged[Int(row.seq)].id))
                encoder.int(bookmakers[Int(row.bookmaker)])
                plan.tails.withUnsafeBytes { tails in
                    let start = Int(row.tailStart)
                    encoder.encoded(UnsafeRawBufferPointer(rebasing: tails[start..<(start + Int(row.tailLength))]))
                }
                if withSource { encoder.text(source.rawValue) }
                encoder.endRow()
                count += 1
                if encoder.readableBytes > 1 << 18 { try await writer.write(encoder.take()) }
            }
            if encoder.readableBytes > 0 { try await writer.write(encoder.take()) }
        }
        return count
    }
}
