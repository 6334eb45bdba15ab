import Foundation
import Logging
import PostgresNIO

/// Writes an opportunity's list entry: the JSON of the OpenAPI `Opportunity` schema exactly as the generated handler
/// writes it. The API edge provides the one in use (`OpportunityListingRenderer.api`); the store only keeps bytes.
struct OpportunityListingRenderer: Sendable {
    let render: @Sendable (OpportunityRecord) throws -> String
}

/// Keeps `opportunities.listing`, the stored list entry of each active opportunity that `OpportunityListingMiddleware`
/// joins into list pages. The database drops an entry a change makes stale (migration 0022); this writes the missing
/// ones, from the same record type and mapper the generated handler reads.
///
/// The trigger knows which columns the entry shows: a column added to `Opportunity` later goes into the trigger's list
/// too (a new migration replacing `opportunities_drop_stale_listing`, which also clears the entries written without it).
enum OpportunityListingStore {
    /// Rows rendered and written per statement pair.
    static let batchSize = 2_000

    /// Writes the entries of active opportunities that lack one, in id order, and returns how many it wrote. The rows
    /// are locked while they are rendered, so a concurrent change cannot be overwritten by an older entry. A row that
    /// does not render (a stored value this version does not know) keeps no entry: its pages go to the generated
    /// handler, which reports the same fault.
    static func writeMissing(
        on connection: DatabaseConnection, renderer: OpportunityListingRenderer, logger: Logger
    ) async throws -> Int {
        try await eachBatch { after in try await writeBatch(after: after, on: connection, renderer: renderer, logger: logger) }
    }

    /// `writeMissing` with one transaction per batch (the CLI's `monps relist`: a large backlog commits as it goes).
    static func writeMissing(in database: Database, renderer: OpportunityListingRenderer, logger: Logger) async throws -> Int {
        try await eachBatch { after in
            try await database.transaction { connection in
                try await writeBatch(after: after, on: connection, renderer: renderer, logger: logger)
            }
        }
    }

    /// What one batch did: the last id it read (where the next one starts), the entries it wrote, and whether it read
    /// a whole batch (there may be more).
    struct Batch: Sendable {
        var last: UUID?
        var written: Int
        var full: Bool
    }

    /// Runs `write` batch after batch until one comes back short; returns the entries written.
    private static func eachBatch(_ write: (_ after: UUID?) async throws -> Batch) async throws -> Int {
        var written = 0
        var after: UUID?
        while true {
            let batch = try await write(after)
            written += batch.written
            guard batch.full else { return written }
            after = batch.last
        }
    }

    /// Renders and writes the entries of the next `batchSize` active rows without one after `after`.
    static func writeBatch(
        after: UUID?, on connection: DatabaseConnection, renderer: OpportunityListingRenderer, logger: Logger
    ) async throws -> Batch {
        // The nil UUID sorts first: one range condition the partial index of migration 0022 serves.
        let from = after ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let records = try await connection.query(
            """
            SELECT \(unescaped: RecordColumns.columns)
            FROM opportunities o \(unescaped: RecordColumns.joins)
            WHERE o.status = 'active' AND o.listing IS NULL AND o.id > \(from)
            ORDER BY o.id LIMIT \(batchSize)
            FOR UPDATE OF o
            """
        ).map(RecordColumns.decode)
        var batch = Batch(last: records.last?.id ?? after, written: 0, full: records.count == batchSize)
        var ids: [UUID] = [], entries: [String] = []
        ids.reserveCapacity(records.count)
        entries.reserveCapacity(records.count)
        for record in records {
            do {
                entries.append(try renderer.render(record))
                ids.append(record.id)
            } catch {
                logger.error("opportunity list entry not written", metadata: ["opportunity": "\(record.id)", "error": "\(error)"])
            }
        }
        guard !ids.isEmpty else { return batch }
        try await connection.query(
            """
            UPDATE opportunities o SET listing = u.listing
            FROM unnest(\(ids)::uuid[], \(entries)::text[]) AS u(id, listing) WHERE o.id = u.id
            """)
        batch.written = ids.count
        return batch
    }
}
