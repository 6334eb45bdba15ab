import Foundation
import Logging
import MonPSCore
import NIOCore
import PostgresNIO

/// Writes parsed events, prices and results into PostgreSQL: one batch, one transaction.
///
/// Everything goes through two temporary staging tables filled with `COPY` and then set-based SQL
/// (participants and aliases, event matching, results, snapshots with `ON CONFLICT DO NOTHING`, latest
/// and closing prices). That keeps a 40,000-price file to a few dozen statements, makes re-loading the
/// same data a no-op, and means a failure leaves nothing half-written. Loads are serialised by a
/// transaction-level advisory lock: participants and events are matched against what earlier loads
/// created, which must be visible.
struct OddsLoader: Sendable {
    let database: Database
    let logger: Logger
    /// The process clock: whether an event has started decides which of its prices are closing prices.
    var now: @Sendable () -> Date = Date.init

    static let advisoryLockKey: Int64 = 0x6D6F_6E70_735F_696E  // "monps_in"

    /// A batch checked and planned, ready for `load(_:source:options:)`.
    struct PreparedBatch: Sendable {
        /// The events the loader accepts, without their rejected prices.
        var events: [ImportedEvent]
        var rejected: [ImportIssue]
        /// Catalogue sport key → sport group, as checked.
        var groups: [String: String]
        var prices: PricePlan
    }

    /// Loads `events` from `source`. Events the loader can't store are listed in `LoadSummary.rejected`
    /// (by `sourceLine`) and the rest are loaded.
    func load(_ events: [ImportedEvent], source: IngestionSource, options: LoadOptions = LoadOptions()) async throws -> LoadSummary {
        try await load(prepare(events, knownSports: try await sportGroups()), source: source, options: options)
    }

    /// Validates `events` and plans their prices: everything a load does that needs no database, so a caller
    /// can do it for the next batch while the current one is written.
    func prepare(_ events: [ImportedEvent], knownSports: [String: String]) -> PreparedBatch {
        Self.prepare(events, knownSports: knownSports, now: now())
    }

    static func prepare(_ events: [ImportedEvent], knownSports: [String: String], now: Date) -> PreparedBatch {
        var accepted: [ImportedEvent] = []
        accepted.reserveCapacity(events.count)
        var rejected: [ImportIssue] = []
        for var event in events {
            if let reason = LoadValidation.rejection(of: event, knownSports: knownSports) {
                rejected.append(ImportIssue(line: event.sourceLine, reason: reason, effect: .rowSkipped))
                continue
            }
            var kept: [ImportedPrice] = []
            var firstReason: String?
            kept.reserveCapacity(event.snapshots.count)
            for price in event.snapshots {
                if let reason = LoadValidation.rejection(of: price, startsAt: event.startsAt) {
                    firstReason = firstReason ?? reason
                } else {
                    kept.append(price)
                }
            }
            if let firstReason {
                rejected.append(ImportIssue(
                    line: event.sourceLine, reason: "\(event.snapshots.count - kept.count) price(s) skipped: \(firstReason)",
                    effect: .valueSkipped))
                event.snapshots = kept
            }
            accepted.append(event)
        }
        return PreparedBatch(
            events: accepted, rejected: rejected, groups: knownSports, prices: PricePlan(accepted, now: now))
    }

    /// Writes a prepared batch in one transaction.
    func load(_ batch: PreparedBatch, source: IngestionSource, options: LoadOptions = LoadOptions()) async throws -> LoadSummary {
        var summary = try await database.transaction { connection in
            let statements = LoaderStatements(connection: connection, logger: logger, source: source)
            try await statements.lock()
            try await statements.createStaging()
            try await stageEvents(batch.events, groups: batch.groups, connection: connection)
            var summary = LoadSummary()
            let staged = try await statements.resolveEvents(
                updatesSchedule: options.updatesSchedule, count: batch.events.count, summary: &summary)
            let written = try await SnapshotWriter(
                connection: connection, logger: logger, source: source, statements: statements
            ).write(batch.prices, staged: staged)
            summary.snapshotsAdded = written.added
            summary.snapshotsKnown = written.known
            try await statements.markClosingLines()
            summary.eventIDs = Array(Set(staged.map(\.id))).sorted()
            if let record = options.importRecord {
                summary.rejected = batch.rejected
                summary.importRunID = try await statements.recordImport(record, source: source, summary: summary)
            }
            return summary
        }
        summary.rejected = batch.rejected
        return summary
    }

    /// The months whose partitions a load of `events` needs — those of the prices `prepare` accepts (a rejected
    /// price's month gets no partition) — without planning the prices.
    static func partitionMonths(of events: [ImportedEvent], knownSports: [String: String]) -> [Date] {
        var months = PricePlan.MonthSamples()
        for event in events where LoadValidation.rejection(of: event, knownSports: knownSports) == nil {
            for price in event.snapshots where LoadValidation.rejection(of: price, startsAt: event.startsAt) == nil {
                months.note(price.capturedAt)
            }
        }
        return months.samples
    }

    /// Creates the monthly partitions holding `instants` in a transaction of its own (it does not wait for loads, nor
    /// they for it: see migration 0013). Loads ensure their own partitions anyway; this makes them ahead of time.
    func ensurePartitions(containing instants: [Date]) async throws {
        guard !instants.isEmpty else { return }
        try await database.query(LoaderStatements.ensurePartitions(containing: instants))
    }

    /// Catalogue sport key → sport group (participants are shared within a group).
    func sportGroups() async throws -> [String: String] {
        var groups: [String: String] = [:]
        for row in try await database.query("SELECT key, group_key FROM sports") {
            let read = RowReader(row)
            groups[try read("key", String.self)] = try read("group_key", String.self)
        }
        return groups
    }

    static let eventColumns = [
        "seq", "external_id", "sport_key", "group_key", "competition", "home_name", "home_alias", "away_name",
        "away_alias", "starts_at", "result_outcome", "home_score", "away_score", "regulation_home",
        "regulation_away", "period_scores", "winner", "notes",
    ]

    private func stageEvents(_ events: [ImportedEvent], groups: [String: String], connection: DatabaseConnection) async throws {
        try await connection.copyFrom(table: "stage_events", columns: Self.eventColumns) { writer in
            var encoder = CopyTextEncoder()
            for (seq, event) in events.enumerated() {
                let home = event.home.trimmingCharacters(in: .whitespaces)
                let away = event.away.trimmingCharacters(in: .whitespaces)
                encoder.int(seq)
                encoder.text(event.externalID)
                encoder.text(event.sportKey)
                encoder.text(groups[event.sportKey])
                encoder.text(event.competition.flatMap { $0.isEmpty ? nil : $0 })
                encoder.text(home)
                encoder.text(ParticipantName.key(home))
                encoder.text(away)
                encoder.text(ParticipantName.key(away))
                encoder.timestamp(event.startsAt)
                let result = event.result
                encoder.text(result?.status.rawValue)
                encoder.int(result?.homeScore)
                encoder.int(result?.awayScore)
                encoder.int(result?.regulationHome)
                encoder.int(result?.regulationAway)
                encoder.text(result?.periodScores.map(Self.json))
                encoder.text(result?.winner?.rawValue)
                encoder.text(result?.notes.map { String($0.prefix(1000)) })
                encoder.endRow()
                if encoder.readableBytes > 1 << 18 { try await writer.write(encoder.take()) }
            }
            if encoder.readableBytes > 0 { try await writer.write(encoder.take()) }
        }
    }

    private static func json(_ periods: [[Int]]) -> String {
        "[" + periods.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]"
    }
}
