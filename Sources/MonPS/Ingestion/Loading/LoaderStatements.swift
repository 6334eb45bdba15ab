import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// The set-based statements of one load, run inside the loader's transaction on its connection.
struct LoaderStatements {
    let connection: DatabaseConnection
    let logger: Logger
    let source: IngestionSource

    /// How far apart two sources' start times may be and still be the same game (time zones, late moves).
    static let matchWindowHours = 12

    @discardableResult
    private func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query)
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        let rows = try await run(query)
        return try rows.first?.decode(Int.self) ?? 0
    }

    func lock() async throws {
        try await run("SELECT pg_advisory_xact_lock(\(OddsLoader.advisoryLockKey))")
    }

    /// The staging tables, made once per connection and emptied by every commit (`ON COMMIT DELETE ROWS`): creating
    /// and dropping them with each load cost ~3 ms of catalogue work per file.
    func createStaging() async throws {
        try await run(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_events (
                seq int PRIMARY KEY, external_id text NOT NULL, sport_key text NOT NULL, group_key text NOT NULL,
                competition text, home_name text NOT NULL, home_alias text NOT NULL, away_name text NOT NULL,
                away_alias text NOT NULL, starts_at timestamptz NOT NULL, result_outcome text, home_score int,
                away_score int, regulation_home int, regulation_away int, period_scores jsonb, winner text, notes text,
                home_id bigint, away_id bigint, event_id bigint, is_new boolean NOT NULL DEFAULT false
            ) ON COMMIT DELETE ROWS
            """)
        try await run(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_odds (
                event_id bigint NOT NULL, bookmaker_id smallint NOT NULL, market text NOT NULL, outcome text NOT NULL,
                point double precision, price double precision NOT NULL, captured_at timestamptz NOT NULL
            ) ON COMMIT DELETE ROWS
            """)
    }

    /// Participants, events, external ids and results. Returns each staged event's id and whether this load
    /// created it, indexed by `seq`.
    func resolveEvents(updatesSchedule: Bool, count events: Int, summary: inout LoadSummary) async throws -> [StagedEvent] {
        try await run("ANALYZE stage_events")
        try await resolveParticipants()
        try await matchEvents()
        summary.eventsCreated = try await createEvents()
        summary.eventsMatched = try await count("SELECT count(*) FROM stage_events WHERE NOT is_new")
        try await run(
            """
            INSERT INTO event_external_ids (source, external_id, event_id)
            SELECT \(source.rawValue), external_id, event_id FROM stage_events
            ON CONFLICT (source, external_id) DO NOTHING
            """)
        if updatesSchedule { try await moveRescheduledEvents() }
        summary.resultsStored = try await storeResults()
        var staged = [StagedEvent](repeating: StagedEvent(id: 0, isNew: false), count: events)
        for row in try await run("SELECT seq, event_id, is_new FROM stage_events") {
            let read = RowReader(row)
            staged[try read("seq", Int.self)] = StagedEvent(id: try read("event_id"), isNew: try read("is_new"))
        }
        return staged
    }

    /// Ids of the batch's bookmakers, creating the unknown ones.
    func bookmakerIDs(_ keys: Set<String>) async throws -> [String: Int16] {
        let list = keys.sorted()
        try await run(
            """
            INSERT INTO bookmakers (key, title)
            SELECT key, initcap(replace(key, '_', ' ')) FROM unnest(\(list)::text[]) AS key
            ON CONFLICT (key) DO NOTHING
            """)
        var ids: [String: Int16] = [:]
        for row in try await run("SELECT key, id FROM bookmakers WHERE key = ANY(\(list))") {
            let read = RowReader(row)
            ids[try read("key", String.self)] = try read("id", Int16.self)
        }
        return ids
    }

    /// The monthly partitions of `instants` (one per month is enough), in one round trip. Only months that hold
    /// prices: a file spanning years with summer breaks does not need the empty months in between.
    func ensurePartitions(containing instants: [Date]) async throws {
        guard !instants.isEmpty else { return }
        try await run(Self.ensurePartitions(containing: instants))
    }

    static func ensurePartitions(containing instants: [Date]) -> PostgresQuery {
        "SELECT count(ensure_odds_partitions(t, t)) FROM unnest(\(instants)::timestamptz[]) AS t"
    }

    /// Staged prices of events seen before: inserted unless already stored; latest prices moved forward.
    /// Returns the number of snapshots added.
    func storeStagedSnapshots() async throws -> Int {
        let added = try await count(
            """
            WITH added AS (
                INSERT INTO odds_snapshots (event_id, bookmaker_id, market, outcome, point, price, captured_at, source)
                SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at, \(source.rawValue)
                FROM stage_odds
                ON CONFLICT DO NOTHING
                RETURNING 1
            ) SELECT count(*) FROM added
            """)
        try await run(
            """
            INSERT INTO latest_odds AS l (event_id, bookmaker_id, market, outcome, point, price, captured_at)
            SELECT DISTINCT ON (s.event_id, s.market, s.outcome, s.bookmaker_id)
                s.event_id, s.bookmaker_id, s.market, s.outcome, s.point, s.price, s.captured_at
            FROM stage_odds s JOIN events e ON e.id = s.event_id
            -- A started event's prices up to its start are its closing line (closing_odds; see current_odds).
            WHERE e.starts_at > now() OR s.captured_at > e.starts_at
            ORDER BY s.event_id, s.market, s.outcome, s.bookmaker_id, s.captured_at DESC, s.point
            ON CONFLICT (event_id, market, outcome, bookmaker_id) DO UPDATE
                SET point = excluded.point, price = excluded.price, captured_at = excluded.captured_at
                WHERE excluded.captured_at >= l.captured_at
            """)
        return added
    }

    /// Closing lines: new events' were written with their prices (and marked when created); started events
    /// seen before are recomputed from the stored series (the batch may not hold their last price before the start).
    func markClosingLines() async throws {
        let seen = try await run(
            "SELECT DISTINCT event_id FROM stage_events WHERE NOT is_new AND starts_at <= now() ORDER BY event_id")
            .map { try $0.decode(Int64.self) }
        guard !seen.isEmpty else { return }
        try await ClosingLine.mark(eventIDs: seen, connection: connection, logger: logger)
    }

    private func resolveParticipants() async throws {
        try await run(
            """
            WITH names AS (
                SELECT DISTINCT ON (group_key, alias) group_key, alias, name FROM (
                    SELECT group_key, home_alias AS alias, home_name AS name, seq, 0 AS side FROM stage_events
                    UNION ALL
                    SELECT group_key, away_alias, away_name, seq, 1 FROM stage_events
                ) spelled
                ORDER BY group_key, alias, seq, side
            ), missing AS (
                SELECT n.* FROM names n
                WHERE NOT EXISTS (SELECT 1 FROM participant_aliases a WHERE a.group_key = n.group_key AND a.alias = n.alias)
            ), created AS (
                INSERT INTO participants (group_key, name) SELECT group_key, name FROM missing RETURNING id, group_key, name
            )
            INSERT INTO participant_aliases (group_key, alias, participant_id)
            SELECT m.group_key, m.alias, c.id FROM created c JOIN missing m ON m.group_key = c.group_key AND m.name = c.name
            """)
        try await run(
            """
            UPDATE stage_events s SET home_id = h.participant_id, away_id = a.participant_id
            FROM participant_aliases h, participant_aliases a
            WHERE h.group_key = s.group_key AND h.alias = s.home_alias
              AND a.group_key = s.group_key AND a.alias = s.away_alias
            """)
    }

    /// Known external id first; otherwise the same pairing within the match window that this source has
    /// not claimed yet (so a doubleheader's second game stays a game of its own).
    private func matchEvents() async throws {
        try await run(
            """
            UPDATE stage_events s SET event_id = x.event_id
            FROM event_external_ids x WHERE x.source = \(source.rawValue) AND x.external_id = s.external_id
            """)
        try await run(
            """
            UPDATE stage_events s SET event_id = (
                SELECT e.id FROM events e
                WHERE e.home_id = s.home_id AND e.away_id = s.away_id AND e.sport_key = s.sport_key
                  AND e.starts_at BETWEEN s.starts_at - make_interval(hours => \(Self.matchWindowHours)::int)
                                      AND s.starts_at + make_interval(hours => \(Self.matchWindowHours)::int)
                  AND NOT EXISTS (SELECT 1 FROM event_external_ids x WHERE x.event_id = e.id AND x.source = \(source.rawValue))
                ORDER BY abs(extract(epoch FROM e.starts_at - s.starts_at)), e.id
                LIMIT 1)
            WHERE s.event_id IS NULL
            """)
    }

    private func createEvents() async throws -> Int {
        try await run(
            """
            INSERT INTO competitions (sport_key, name)
            SELECT DISTINCT sport_key, competition FROM stage_events WHERE competition IS NOT NULL AND event_id IS NULL
            ON CONFLICT (sport_key, name) DO NOTHING
            """)
        try await run(
            """
            UPDATE stage_events SET event_id = nextval(pg_get_serial_sequence('events', 'id')), is_new = true
            WHERE event_id IS NULL
            """)
        return try await count(
            """
            WITH created AS (
                INSERT INTO events (id, sport_key, competition_id, home_id, away_id, starts_at, status, closing_marked_at)
                OVERRIDING SYSTEM VALUE
                SELECT s.event_id, s.sport_key, c.id, s.home_id, s.away_id, s.starts_at,
                    -- Written once with the values the load gives them (a second UPDATE of every new row cost
                    -- a tenth of a historical import): the status of the result `storeResults` stores (one
                    -- staged row per new event), and closing marked when started (`markClosingLines`).
                    CASE WHEN s.result_outcome IS NULL OR s.home_score IS NULL OR s.away_score IS NULL THEN 'scheduled'
                         WHEN s.result_outcome = 'cancelled' THEN 'cancelled' ELSE 'finished' END,
                    CASE WHEN s.starts_at <= now() THEN now() END
                FROM stage_events s LEFT JOIN competitions c ON c.sport_key = s.sport_key AND c.name = s.competition
                WHERE s.is_new
                ORDER BY s.seq
                RETURNING 1
            ) SELECT count(*) FROM created
            """)
    }

    private func moveRescheduledEvents() async throws {
        try await run(
            """
            UPDATE events e SET starts_at = s.starts_at, updated_at = now()
            FROM stage_events s
            WHERE e.id = s.event_id AND NOT s.is_new AND e.status = 'scheduled' AND e.starts_at <> s.starts_at
            """)
    }

    /// Inserts or changes results; an identical result counts as nothing stored. New events were created with
    /// their status already (`createEvents`); events seen before move to `finished`/`cancelled` here.
    private func storeResults() async throws -> Int {
        let stored = try await count(
            """
            WITH stored AS (
                INSERT INTO event_results AS r (event_id, home_score, away_score, regulation_home, regulation_away,
                    period_scores, outcome, winner, overtime, notes, source)
                SELECT DISTINCT ON (event_id) event_id, home_score, away_score, regulation_home, regulation_away,
                    period_scores, result_outcome, winner,
                    coalesce(regulation_home <> home_score OR regulation_away <> away_score, false), notes,
                    \(source.rawValue)
                FROM stage_events WHERE result_outcome IS NOT NULL AND home_score IS NOT NULL AND away_score IS NOT NULL
                ORDER BY event_id, seq DESC
                ON CONFLICT (event_id) DO UPDATE SET
                    home_score = excluded.home_score, away_score = excluded.away_score,
                    regulation_home = excluded.regulation_home, regulation_away = excluded.regulation_away,
                    period_scores = excluded.period_scores, outcome = excluded.outcome, winner = excluded.winner,
                    overtime = excluded.overtime, notes = excluded.notes, source = excluded.source, recorded_at = now()
                WHERE (r.home_score, r.away_score, r.regulation_home, r.regulation_away, r.period_scores, r.outcome,
                       r.winner, r.notes)
                      IS DISTINCT FROM
                      (excluded.home_score, excluded.away_score, excluded.regulation_home, excluded.regulation_away,
                       excluded.period_scores, excluded.outcome, excluded.winner, excluded.notes)
                RETURNING 1
            ) SELECT count(*) FROM stored
            """)
        try await run(
            """
            UPDATE events e SET status = CASE r.outcome WHEN 'cancelled' THEN 'cancelled' ELSE 'finished' END,
                updated_at = now()
            FROM event_results r
            WHERE r.event_id = e.id AND e.id IN (SELECT event_id FROM stage_events WHERE NOT is_new)
              AND e.status <> CASE r.outcome WHEN 'cancelled' THEN 'cancelled' ELSE 'finished' END
            """)
        return stored
    }

    func recordImport(_ record: LoadOptions.ImportRecord, source: IngestionSource, summary: LoadSummary) async throws -> Int64 {
        let skipped = record.issues.filter { $0.effect == .rowSkipped }.count
            + summary.rejected.filter { $0.effect == .rowSkipped }.count
        let issues = (record.issues + summary.rejected).prefix(1000).map {
            ["line": "\($0.line)", "reason": $0.reason, "effect": $0.effect.rawValue]
        }
        let issuesJSON = String(decoding: try JSONSerialization.data(withJSONObject: Array(issues), options: [.sortedKeys]), as: UTF8.self)
        let rows = try await run(
            """
            INSERT INTO import_runs (source, file_name, file_sha256, finished_at, rows_read, events_created,
                events_matched, snapshots_added, snapshots_known, results_stored, rows_skipped, issues, requested_by)
            VALUES (\(source.rawValue), \(String(record.fileName.prefix(255))), \(record.sha256), now(), \(record.rowsRead),
                \(summary.eventsCreated), \(summary.eventsMatched), \(summary.snapshotsAdded), \(summary.snapshotsKnown),
                \(summary.resultsStored), \(skipped), \(issuesJSON)::jsonb, \(record.requestedBy))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else { throw IngestionStorageError.noRowReturned }
        return id
    }
}

struct StagedEvent: Sendable, Equatable {
    var id: Int64
    var isNew: Bool
}

enum IngestionStorageError: Error, CustomStringConvertible {
    case noRowReturned
    var description: String { "the database returned no row where one was expected" }
}
