import Foundation
import MonPSCore
import PostgresNIO

struct PostgresEventRepository: EventRepository {
    let database: Database

    private static let eventColumns = """
        e.id, e.sport_key, s.group_key, c.name AS competition, e.home_id, h.name AS home_name, e.away_id,
        a.name AS away_name, e.starts_at, e.status, r.home_score, r.away_score, r.regulation_home, r.regulation_away,
        r.period_scores::text AS period_scores, r.outcome, r.winner, r.overtime, r.notes
        """
    private static let eventJoins = """
        FROM events e
        JOIN sports s ON s.key = e.sport_key
        JOIN participants h ON h.id = e.home_id
        JOIN participants a ON a.id = e.away_id
        LEFT JOIN competitions c ON c.id = e.competition_id
        LEFT JOIN event_results r ON r.event_id = e.id
        """

    func list(filter: EventFilter, after: (startsAt: Date, id: Int64)?, limit: Int) async throws -> [EventRecord] {
        let afterTime = after?.startsAt
        let afterID = after?.id
        let (comparison, direction) = filter.descending ? ("<", "DESC") : (">", "ASC")
        // Participant filter: any spelling resolves through the alias table.
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.eventColumns) \(unescaped: Self.eventJoins)
            WHERE (\(filter.sport)::text IS NULL OR e.sport_key = \(filter.sport))
              AND (\(filter.group)::text IS NULL OR s.group_key = \(filter.group))
              AND (\(filter.competition)::text IS NULL OR c.name = \(filter.competition))
              AND (\(filter.status)::text IS NULL OR e.status = \(filter.status))
              AND (\(filter.from)::timestamptz IS NULL OR e.starts_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR e.starts_at < \(filter.to))
              AND (\(filter.participantKey)::text IS NULL OR EXISTS (
                    SELECT 1 FROM participant_aliases pa
                    WHERE pa.alias = \(filter.participantKey) AND pa.participant_id IN (e.home_id, e.away_id)))
              AND (\(afterTime)::timestamptz IS NULL OR (e.starts_at, e.id) \(unescaped: comparison) (\(afterTime), \(afterID)))
            ORDER BY e.starts_at \(unescaped: direction), e.id \(unescaped: direction)
            LIMIT \(limit)
            """)
        return try rows.map(Self.decodeEvent)
    }

    func get(id: Int64) async throws -> EventRecord? {
        let rows = try await database.query(
            "SELECT \(unescaped: Self.eventColumns) \(unescaped: Self.eventJoins) WHERE e.id = \(id)")
        return try rows.first.map(Self.decodeEvent)
    }

    func prices(eventID: Int64, market: MarketType?) async throws -> EventPrices {
        let market = market?.rawValue
        // current_odds: an event loaded after its start keeps most of its latest prices in closing_odds only.
        async let latest = database.query(
            """
            SELECT b.key AS bookmaker, l.market, l.outcome, l.point, l.price, l.captured_at, b.aggregate
            FROM current_odds l JOIN bookmakers b ON b.id = l.bookmaker_id
            WHERE l.event_id = \(eventID) AND (\(market)::text IS NULL OR l.market = \(market))
            ORDER BY l.market, l.outcome, b.key
            """)
        async let closing = database.query(
            """
            SELECT b.key AS bookmaker, c.market, c.outcome, c.point, c.price, c.captured_at, b.aggregate
            FROM closing_odds c JOIN bookmakers b ON b.id = c.bookmaker_id JOIN events e ON e.id = c.event_id
            WHERE c.event_id = \(eventID) AND e.starts_at <= now() AND (\(market)::text IS NULL OR c.market = \(market))
            ORDER BY c.market, c.outcome, b.key
            """)
        return EventPrices(latest: try await latest.map(Self.decodePrice), closing: try await closing.map(Self.decodePrice))
    }

    func history(eventID: Int64, filter: HistoryFilter, limit: Int) async throws -> [PriceRecord] {
        let market = filter.market?.rawValue
        let rows = try await database.query(
            """
            SELECT b.key AS bookmaker, o.market, o.outcome, o.point, o.price, o.captured_at, b.aggregate
            FROM odds_snapshots o JOIN bookmakers b ON b.id = o.bookmaker_id
            WHERE o.event_id = \(eventID)
              AND (\(market)::text IS NULL OR o.market = \(market))
              AND (\(filter.bookmaker)::text IS NULL OR b.key = \(filter.bookmaker))
              AND (\(filter.from)::timestamptz IS NULL OR o.captured_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR o.captured_at <= \(filter.to))
            ORDER BY b.key, o.market, o.outcome, o.captured_at, o.point
            LIMIT \(limit)
            """)
        return try rows.map(Self.decodePrice)
    }

    func bookmakers(sharp: Bool?, afterKey: String?, limit: Int) async throws -> [BookmakerRecord] {
        let rows = try await database.query(
            """
            SELECT key, title, sharp, aggregate FROM bookmakers
            WHERE (\(sharp)::boolean IS NULL OR sharp = \(sharp)) AND (\(afterKey)::text IS NULL OR key > \(afterKey))
            ORDER BY key LIMIT \(limit)
            """)
        return try rows.map { row in
            let read = RowReader(row)
            return BookmakerRecord(
                key: try read("key"), title: try read("title"), sharp: try read("sharp"), aggregate: try read("aggregate"))
        }
    }

    /// A price row: `bookmaker` (the key), `market`, `outcome`, `point`, `price`, `captured_at`, `aggregate`.
    static func decodePrice(_ row: PostgresRow) throws -> PriceRecord {
        let read = RowReader(row)
        return PriceRecord(
            bookmaker: try read("bookmaker"), market: try read("market"), outcome: try read("outcome"),
            point: try read("point"), price: try read("price"), capturedAt: try read("captured_at"),
            aggregate: try read("aggregate"))
    }

    private static func decodeEvent(_ row: PostgresRow) throws -> EventRecord {
        let value = RowReader(row)
        var result: EventResultRecord?
        if let home: Int = try value("home_score", Int?.self), let away: Int = try value("away_score", Int?.self) {
            // A result row exists (its scores are there), so its NOT NULL columns are read as such.
            result = EventResultRecord(
                homeScore: home, awayScore: away, regulationHome: try value("regulation_home"),
                regulationAway: try value("regulation_away"),
                periodScores: try EventResultRecord.periodScores(stored: try value("period_scores")),
                outcome: try value("outcome", ResultOutcome.self), winner: try value("winner", MatchResultSelection?.self),
                overtime: try value("overtime", Bool.self), notes: try value("notes"))
        }
        return EventRecord(
            id: try value("id"), sportKey: try value("sport_key"), groupKey: try value("group_key"),
            competition: try value("competition"), homeID: try value("home_id"), homeName: try value("home_name"),
            awayID: try value("away_id"), awayName: try value("away_name"), startsAt: try value("starts_at"),
            status: try value("status"), result: result)
    }
}
