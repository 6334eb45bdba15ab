import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// Runs the enabled agents over the current prices of upcoming events and keeps `opportunities` in step: a
/// selection found again is updated (never duplicated), one no longer found is withdrawn, and everything
/// expires at kick-off.
struct OpportunityDetector: Sendable {
    let database: Database
    let logger: Logger
    /// How far ahead events are examined.
    var horizon: TimeInterval = 14 * 86_400
    /// Price history the line-movement agent looks back over (at least its window plus an hour).
    var historyWindow: TimeInterval = 3 * 3600
    /// The agents' and the verdicts' thresholds.
    var settings = DetectionSettings()
    /// Records `opportunity.new` for the users an opportunity interests, in the run's transaction.
    var outbox: NotificationOutbox?
    /// Writes the list entries of the opportunities the run keeps active (`OpportunityListingStore`).
    var listingRenderer: OpportunityListingRenderer = .api

    struct Summary: Sendable, Equatable {
        var events = 0
        var active = 0
        var withdrawn = 0
        var expired = 0
        /// List entries written (the run's new and changed opportunities, and any other active one lacking its entry).
        var listed = 0
        /// Current prices (latest_odds rows) and history rows (odds_snapshots inside the window) read.
        var latestRead = 0
        var historyRead = 0
        /// Markets examined, and the agents' signals over them.
        var markets = 0
        var signals = 0
        /// `opportunity.new` events recorded.
        var notified = 0
        var timings = DetectionTimings()
    }

    /// Detects over `eventIDs` (all upcoming events when nil).
    func detect(eventIDs: [Int64]? = nil, now: Date) async throws -> Summary {
        var summary = Summary()
        var stopwatch = Stopwatch()
        summary.expired = try await database.query(
            """
            WITH expired AS (
                UPDATE opportunities SET status = 'expired', updated_at = now()
                WHERE status = 'active' AND starts_at <= \(now) RETURNING 1
            ) SELECT count(*) FROM expired
            """).first?.decode(Int.self) ?? 0
        let enabled = try await database.query("SELECT id FROM detection_agents WHERE enabled ORDER BY id")
            .map { AgentID(rawValue: try $0.decode(String.self)) }
        let available = settings.agents
        let agents = enabled.compactMap { available[$0] }
        let until = now.addingTimeInterval(horizon)
        let events = try await database.query(
            """
            SELECT e.id, e.sport_key, s.outcomes = 3 AS has_draw, e.starts_at FROM events e JOIN sports s ON s.key = e.sport_key
            WHERE e.status = 'scheduled' AND e.starts_at > \(now) AND e.starts_at <= \(until)
              AND (\(eventIDs)::int8[] IS NULL OR e.id = ANY(\(eventIDs)))
            """
        ).map { row in
            let read = RowReader(row)
            return MarketSnapshots.EventInfo(
                id: try read("id"), sport: try read("sport_key"), hasDraw: try read("has_draw"), startsAt: try read("starts_at"))
        }
        summary.events = events.count
        guard !events.isEmpty else {
            summary.timings.total = stopwatch.total
            return summary
        }
        let ids = events.map(\.id)
        let books = try await bookmakers()
        let since = now.addingTimeInterval(-max(historyWindow, TimeInterval(settings.steamWindowMinutes * 60 + 3600)))
        let historyQuery: PostgresQuery?
        if agents.contains(where: { $0.id == .steam }) {
            // Only the sharp book's history: the line-movement agent measures the sharp's moves and compares them with
            // the other books' current prices (SteamAgent.moves), and the current board is latest_odds. The
            // (event_id, bookmaker_id, …) index serves it: an eighth of the rows of every book's history.
            historyQuery = """
                SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at
                FROM odds_snapshots
                WHERE event_id = ANY(\(ids)) AND bookmaker_id = ANY(\(books.sharpIDs))
                  AND captured_at >= \(since) AND captured_at <= \(now)
                """
        } else {
            historyQuery = nil
        }
        // Both reads run at once (two connections): the server scans the history while the latest rows decode.
        // Upcoming events only: all their current prices are in latest_odds (see the current_odds view).
        async let latestRows = prices(
            "SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at FROM latest_odds WHERE event_id = ANY(\(ids))")
        async let historyRows = prices(historyQuery)
        let (latest, history) = try await (latestRows, historyRows)
        summary.latestRead = latest.count
        summary.historyRead = history.count
        summary.timings.load = stopwatch.lap()
        let snapshots = MarketSnapshots.build(events: events, latest: latest, history: history, bookmakers: books)
        summary.markets = snapshots.count
        summary.timings.build = stopwatch.lap()
        let signals = await Self.signals(of: snapshots, agents: agents, at: now)
        summary.signals = signals.count
        summary.timings.agents = stopwatch.lap()
        // Agent D (track record) has no signals of its own: enabled, it re-scores and weights the others' votes.
        let records = enabled.contains(.trackRecord) ? try await AgentRecordsRepository(database: database).trackRecords() : nil
        let found = TrackRecordVoting.evaluate(
            signals, agents: agents.map(\.id), records: records, configuration: settings.consensus,
            sports: Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0.sport) }))
        summary.timings.consensus = stopwatch.lap()
        let boards = Dictionary(snapshots.map { (SnapshotKey($0.eventID, $0.market), $0) }, uniquingKeysWith: { a, _ in a })
        let starts = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
        let pending = found.compactMap { opportunity in
            starts[opportunity.eventID].map { event in
                OpportunityStore.Pending(
                    opportunity: opportunity, event: event, board: boards[SnapshotKey(opportunity.eventID, opportunity.market)])
            }
        }
        let recorded = try await database.transaction { connection in
            let kept = try await OpportunityStore.upsert(pending, connection: connection, logger: logger)
            summary.active = kept.count
            summary.withdrawn = try await connection.query(
                """
                WITH withdrawn AS (
                    UPDATE opportunities SET status = 'withdrawn', updated_at = now()
                    WHERE status = 'active' AND event_id = ANY(\(ids)) AND NOT (id = ANY(\(kept)))
                    RETURNING 1
                ) SELECT count(*) FROM withdrawn
                """).first?.decode(Int.self) ?? 0
            summary.listed = try await OpportunityListingStore.writeMissing(on: connection, renderer: listingRenderer, logger: logger)
            guard let outbox else { return [RecordedNotification]() }
            return try await outbox.record(try await OpportunityAlert.drafts(opportunityIDs: kept, on: connection), on: connection)
        }
        summary.notified = recorded.count
        await outbox?.announce(recorded)
        summary.timings.write = stopwatch.lap()
        summary.timings.total = stopwatch.total
        return summary
    }

    /// The agents' signals over every market, in market order. Markets are independent and agents pure, so the
    /// markets are split over the cores.
    static func signals(of snapshots: [MarketSnapshot], agents: [any DetectionAgent], at now: Date) async -> [Signal] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, snapshots.count / 256)
        guard workers > 1 else { return snapshots.flatMap { snapshot in agents.flatMap { $0.signals(for: snapshot, at: now) } } }
        let size = (snapshots.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Signal]).self) { group in
            for start in stride(from: 0, to: snapshots.count, by: size) {
                let part = snapshots[start..<min(start + size, snapshots.count)]
                group.addTask { (start, part.flatMap { snapshot in agents.flatMap { $0.signals(for: snapshot, at: now) } }) }
            }
            var parts: [(start: Int, signals: [Signal])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.start < $1.start }.flatMap(\.signals)
        }
    }

    /// The bookmakers table: a few dozen rows, read once so that price rows carry only the id.
    private func bookmakers() async throws -> MarketSnapshots.Bookmakers {
        let rows = try await database.query("SELECT id, key, sharp, aggregate FROM bookmakers")
            .map { row in
                let read = RowReader(row)
                return (try read("id", Int16.self), try read("key", String.self), try read("sharp", Bool.self),
                        try read("aggregate", Bool.self))
            }
        let flagged = rows.filter { $0.2 }.map(\.0)
        return MarketSnapshots.Bookmakers(
            keys: Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }),
            sharp: rows.first { $0.2 }?.1 ?? "pinnacle",
            sharpIDs: flagged.isEmpty ? rows.filter { $0.1 == "pinnacle" }.map(\.0) : flagged,
            aggregates: Set(rows.filter { $0.3 }.map { $0.1 }))
    }

    /// Reads price rows as they arrive (decoding overlaps the server's sending, and the raw rows are never all
    /// held at once); the bookmaker comes as its id.
    private func prices(_ query: PostgresQuery?) async throws -> [MarketSnapshots.StoredPrice] {
        guard let query else { return [] }
        return try await database.query(query) { row in
            let read = RowReader(row)
            return MarketSnapshots.StoredPrice(
                eventID: try read("event_id"), bookmakerID: try read("bookmaker_id"), market: try read("market"),
                outcome: try read("outcome"), point: try read("point"), price: try read("price"),
                capturedAt: try read("captured_at"))
        }
    }
}

struct SnapshotKey: Hashable {
    var eventID: Int64
    var market: MarketKey
    init(_ eventID: Int64, _ market: MarketKey) {
        self.eventID = eventID
        self.market = market
    }
}

/// Where a detection run spent its time (wall clock, per phase; `load` includes the expiry and lookups).
struct DetectionTimings: Sendable, Equatable {
    var load = Duration.zero
    var build = Duration.zero
    var agents = Duration.zero
    var consensus = Duration.zero
    var write = Duration.zero
    var total = Duration.zero
}

/// Phase durations of one run: `lap()` returns the time since the previous lap.
struct Stopwatch {
    private let start = ContinuousClock.now
    private var mark = ContinuousClock.now

    var total: Duration { ContinuousClock.now - start }

    mutating func lap() -> Duration {
        let now = ContinuousClock.now
        defer { mark = now }
        return now - mark
    }
}
