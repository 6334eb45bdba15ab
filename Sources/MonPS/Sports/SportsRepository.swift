import PostgresNIO

/// A sport (competition) of the catalogue, as stored.
struct SportRecord: Sendable, Equatable {
    var key: String
    var group: String
    var groupTitle: String
    var title: String
    var description: String
    var outcomes: Int
    var hasDraw: Bool
    var active: Bool
    var oddsAPIKey: String?
}

struct SportFilter: Sendable, Equatable {
    var group: String?
    var active: Bool?
}

protocol SportsRepository: Sendable {
    /// Sports matching `filter`, ordered by key, starting after `afterKey`, at most `limit`.
    func list(filter: SportFilter, afterKey: String?, limit: Int) async throws -> [SportRecord]
    func get(key: String) async throws -> SportRecord?
}

struct PostgresSportsRepository: SportsRepository {
    let database: Database

    func list(filter: SportFilter, afterKey: String?, limit: Int) async throws -> [SportRecord] {
        let rows = try await database.query(
            """
            SELECT s.key, s.group_key, g.title, s.title, s.description, s.outcomes::int, s.has_draw, s.active, s.odds_api_key
            FROM sports s JOIN sport_groups g ON g.key = s.group_key
            WHERE (\(filter.group)::text IS NULL OR s.group_key = \(filter.group))
              AND (\(filter.active)::boolean IS NULL OR s.active = \(filter.active))
              AND (\(afterKey)::text IS NULL OR s.key > \(afterKey))
            ORDER BY s.key
            LIMIT \(limit)
            """)
        return try rows.map(Self.decode)
    }

    func get(key: String) async throws -> SportRecord? {
        let rows = try await database.query(
            """
            SELECT s.key, s.group_key, g.title, s.title, s.description, s.outcomes::int, s.has_draw, s.active, s.odds_api_key
            FROM sports s JOIN sport_groups g ON g.key = s.group_key
            WHERE s.key = \(key)
            """)
        return try rows.first.map(Self.decode)
    }

    private static func decode(_ row: PostgresRow) throws -> SportRecord {
        let (key, group, groupTitle, title, description, outcomes, hasDraw, active, oddsAPIKey) = try row.decode(
            (String, String, String, String, String, Int, Bool, Bool, String?).self)
        return SportRecord(
            key: key, group: group, groupTitle: groupTitle, title: title, description: description,
            outcomes: outcomes, hasDraw: hasDraw, active: active, oddsAPIKey: oddsAPIKey)
    }
}
