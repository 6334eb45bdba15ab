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
    /// Price history the line-movement agent looks back over.
    var historyWindow: TimeInterval = 3 * 3600

    struct Summary: Sendable, Equatable {
        var events = 0
        var active = 0
        var withdrawn = 0
        var expired = 0
    }

    static let agentsByID: [AgentID: any DetectionAgent] = [
        .consensusAnomaly: ConsensusAnomalyAgent(),
        .sharpValue: SharpValueAgent(),
        .steam: SteamAgent(),
    ]

    /// Detects over `eventIDs` (all upcoming events when nil).
    func detect(eventIDs: [Int64]? = nil, now: Date = Date()) async throws -> Summary {
        var summary = Summary()
        summary.expired = try await database.query(
            """
            WITH expired AS (
                UPDATE opportunities SET status = 'expired', updated_at = now()
                WHERE status = 'active' AND starts_at <= \(now) RETURNING 1
            ) SELECT count(*) FROM expired
            """).first?.decode(Int.self) ?? 0
        let enabled = try await database.query("SELECT id FROM detection_agents WHERE enabled ORDER BY id")
            .map { AgentID(rawValue: try $0.decode(String.self)) }
        let agents = enabled.compactMap { Self.agentsByID[$0] }
        let until = now.addingTimeInterval(horizon)
        let events = try await database.query(
            """
            SELECT e.id, e.sport_key, s.outcomes = 3, e.starts_at FROM events e JOIN sports s ON s.key = e.sport_key
            WHERE e.status = 'scheduled' AND e.starts_at > \(now) AND e.starts_at <= \(until)
              AND (\(eventIDs)::int8[] IS NULL OR e.id = ANY(\(eventIDs)))
            """
        ).map { row in
            let (id, sport, draw, start) = try row.decode((Int64, String, Bool, Date).self)
            return MarketSnapshots.EventInfo(id: id, sport: sport, hasDraw: draw, startsAt: start)
        }
        summary.events = events.count
        guard !events.isEmpty else { return summary }
        let ids = events.map(\.id)
        let books = try await database.query("SELECT key, sharp, aggregate FROM bookmakers")
            .map { try $0.decode((String, Bool, Bool).self) }
        let sharp = books.first { $0.1 }?.0 ?? "pinnacle"
        let aggregates = Set(books.filter { $0.2 }.map(\.0))
        // Upcoming events only: all their current prices are in latest_odds (see the current_odds view).
        let latest = try await prices(
            """
            SELECT l.event_id, k.key, l.market, l.outcome, l.point, l.price, l.captured_at
            FROM latest_odds l JOIN bookmakers k ON k.id = l.bookmaker_id WHERE l.event_id = ANY(\(ids))
            """)
        let since = now.addingTimeInterval(-historyWindow)
        let history = agents.contains { $0.id == .steam } ? try await prices(
            """
            SELECT s.event_id, k.key, s.market, s.outcome, s.point, s.price, s.captured_at
            FROM odds_snapshots s JOIN bookmakers k ON k.id = s.bookmaker_id
            WHERE s.event_id = ANY(\(ids)) AND s.captured_at >= \(since) AND s.captured_at <= \(now)
            """) : []
        let snapshots = MarketSnapshots.build(
            events: events, latest: latest, history: history, sharp: sharp, aggregates: aggregates)
        let signals = snapshots.flatMap { snapshot in agents.flatMap { $0.signals(for: snapshot, at: now) } }
        let found = Consensus.evaluate(signals, enabledAgents: agents.map(\.id))
        let boards = Dictionary(snapshots.map { (SnapshotKey($0.eventID, $0.market), $0) }, uniquingKeysWith: { a, _ in a })
        let starts = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
        try await database.transaction { connection in
            var kept: [UUID] = []
            for opportunity in found {
                guard let event = starts[opportunity.eventID] else { continue }
                let id = try await OpportunityStore.upsert(
                    opportunity, event: event, board: boards[SnapshotKey(opportunity.eventID, opportunity.market)],
                    connection: connection, logger: logger)
                kept.append(id)
            }
            summary.active = kept.count
            summary.withdrawn = try await connection.query(
                """
                WITH withdrawn AS (
                    UPDATE opportunities SET status = 'withdrawn', updated_at = now()
                    WHERE status = 'active' AND event_id = ANY(\(ids)) AND NOT (id = ANY(\(kept)))
                    RETURNING 1
                ) SELECT count(*) FROM withdrawn
                """, logger: logger).collect().first?.decode(Int.self) ?? 0
        }
        return summary
    }

    private func prices(_ query: PostgresQuery) async throws -> [MarketSnapshots.StoredPrice] {
        try await database.query(query).map { row in
            let (event, book, market, outcome, point, price, at) =
                try row.decode((Int64, String, String, String, Double?, Double, Date).self)
            return MarketSnapshots.StoredPrice(
                eventID: event, bookmaker: book, market: market, outcome: outcome, point: point, price: price, capturedAt: at)
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
