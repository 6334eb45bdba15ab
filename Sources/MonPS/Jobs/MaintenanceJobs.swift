import Foundation
import Logging

/// `closing.mark`: records the closing line of every event that has started, from stored snapshots only.
struct ClosingLineJob: Job {
    let database: Database
    var interval: Duration = .seconds(300)
    var batchSize = 500

    var name: String { "closing.mark" }
    var summary: String { "Closing prices of started events, from the stored odds (no upstream calls)" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var outcome = JobOutcome()
        var events = 0
        while !Task.isCancelled {
            let ids = try await ClosingLine.pendingEventIDs(database: database, limit: batchSize)
            if ids.isEmpty { break }
            let changed = try await database.transaction { connection in
                try await ClosingLine.mark(eventIDs: ids, connection: connection, logger: context.logger)
            }
            events += ids.count
            outcome.items += changed
            if ids.count < batchSize { break }
        }
        outcome.message = "\(events) event(s) marked, \(outcome.items) closing price(s) recorded"
        if events > 0 { context.follow("clv.compute") }
        return outcome
    }
}

/// `partitions.maintain`: keeps the odds partitions of the current month and the next three in place, so a
/// collection run never waits on DDL.
struct OddsPartitionJob: Job {
    let database: Database
    var interval: Duration = .seconds(6 * 3600)
    var monthsAhead = 3

    var name: String { "partitions.maintain" }
    var summary: String { "Creates the monthly odds_snapshots partitions ahead of time" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let rows = try await database.query(
            "SELECT ensure_odds_partitions(now(), now() + make_interval(months => \(monthsAhead)::int))")
        let created = try rows.first?.decode(Int.self) ?? 0
        return JobOutcome(items: created, message: "\(created) partition(s) created")
    }
}
