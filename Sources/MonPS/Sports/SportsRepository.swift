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

    private static let columns =
        "s.key, s.group_key, g.title AS group_title, s.title, s.description, s.outcomes::int, s.has_draw, s.active, s.odds_api_key"

    func list(filter: SportFilter, afterKey: String?, limit: Int) async throws -> [SportRecord] {
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.columns)
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
            SELECT \(unescaped: Self.columns)
            FROM sports s JOIN sport_groups g ON g.key = s.group_key
            WHERE s.key = \(key)
            """)
        return try rows.first.map(Self.decode)
    }

    private static func decode(_ row: PostgresRow) throws -> SportRecord {
        let value = RowReader(row)
        return SportRecord(
            key: try value("key"), group: try value("group_key"), groupTitle: try value("group_title"),
            title: try value("title"), description: try value("description"), outcomes: try value("outcomes"),
            hasDraw: try value("has_draw"), active: try value("active"), oddsAPIKey: try value("odds_api_key"))
    }
}
