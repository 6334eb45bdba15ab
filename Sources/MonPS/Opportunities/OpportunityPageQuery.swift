// The SQL of one page of active opportunities: as a named prepared statement for the common shapes, as a one-off
// statement for the rest. Both hold only the predicates in use, so each matches an index of migration 0011.
// A page reads either the opportunities' columns (`RecordColumns`) or, as one row, its stored list entries joined
// (`ListingColumns`).

import Foundation
import PostgresNIO

enum OpportunityPageQuery {
    /// The most rows one page query returns: the largest page and the row that tells whether there is a next one.
    static let maximumRows = PageRequest.maximumLimit + 1

    /// The page's SQL and, when `filter` is given, its bindings (`$n` in order of appearance; the limit last).
    /// `shape` alone (no values) gives the text of a prepared statement.
    struct Builder {
        private(set) var conditions = ["o.status = 'active'"]
        private(set) var binds = PostgresBindings()
        private var parameters = 0
        let sort: OpportunityFilter.Sort

        init(sort: OpportunityFilter.Sort) { self.sort = sort }

        private mutating func placeholder(_ cast: String) -> String {
            parameters += 1
            return "$\(parameters)::\(cast)"
        }

        /// `<column> = $n` for a filter in use.
        mutating func equals(_ column: String, _ value: String?, cast: String = "text") {
            guard let value else { return }
            binds.append(value)
            conditions.append("\(column) = \(placeholder(cast))")
        }

        mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value?, cast: String, _ condition: (String) -> String) {
            guard let value else { return }
            binds.append(value)
            conditions.append(condition(placeholder(cast)))
        }

        /// Rows strictly after the keyset `(value, id)` in the sort's order.
        mutating func after(_ cursor: (value: Double, id: UUID)?) {
            guard let cursor else { return }
            binds.append(cursor.value)
            binds.append(cursor.id)
            let value = placeholder("float8"), id = placeholder("uuid")
            let condition =
                switch sort {
                case .score: "(o.score, o.id) < (\(value), \(id))"
                case .edge: "(o.edge, o.id) < (\(value), \(id))"
                // Epoch seconds from the cursor: microsecond timestamps round-trip exactly through a double.
                case .start: "(o.starts_at, o.id) > (to_timestamp(\(value)), \(id))"
                }
            conditions.append(condition)
        }

        /// The page's statement, selecting the opportunities' columns (joined with their teams' names) or, with
        /// `ListingColumns`, one row of the page's stored list entries.
        mutating func sql<Projection: PageProjection>(limit: Int, _: Projection.Type = RecordColumns.self) -> String {
            binds.append(limit)
            let order =
                switch sort {
                case .score: "o.score DESC, o.id DESC"
                case .edge: "o.edge DESC, o.id DESC"
                case .start: "o.starts_at, o.id"
                }
            // The literal cap keeps the generic plan of a prepared page estimated (and planned) for a page's worth of
            // rows: with only `LIMIT $n` PostgreSQL assumes 10 % of the table and keeps re-planning every call.
            // Execution is demand-driven, so the inner limit reads no more rows than the outer one asks for.
            let limit = placeholder("int8")
            return Projection.enclosing(
                """
                SELECT \(Projection.columns)
                FROM (SELECT \(Projection.innerColumns) FROM opportunities o WHERE \(conditions.joined(separator: " AND "))
                      ORDER BY \(order) LIMIT \(OpportunityPageQuery.maximumRows)) o
                \(Projection.joins)
                ORDER BY \(order) LIMIT \(limit)
                """, order: order, limit: limit)
        }
    }

    /// Any filter combination, as a one-off statement (planned for its values).
    static func adHoc(_ filter: OpportunityFilter, after: (value: Double, id: UUID)?, limit: Int) -> PostgresQuery {
        var builder = Builder(sort: filter.sort)
        builder.equals("o.sport_key", filter.sport)
        builder.equals("o.competition", filter.competition)
        builder.equals("o.market", filter.market)
        builder.equals("o.bookmaker", filter.bookmaker)
        builder.equals("o.verdict", filter.verdict)
        builder.add(filter.agent, cast: "text") { "\($0) = ANY(o.agents)" }
        builder.add(filter.minEdge, cast: "float8") { "o.edge >= \($0)" }
        builder.add(filter.startsBefore, cast: "timestamptz") { "o.starts_at <= \($0)" }
        builder.after(after)
        let text = builder.sql(limit: limit)
        return PostgresQuery(unsafeSQL: text, binds: builder.binds)
    }

    /// The prepared statement of a page filtered by nothing but (optionally) the sport; nil for other filters.
    static func prepared<Projection: PageProjection>(
        _ filter: OpportunityFilter, after: (value: Double, id: UUID)?, limit: Int, _: Projection.Type = RecordColumns.self
    ) -> (any PreparedOpportunityPage<Projection>)? {
        var others = filter
        others.sport = nil
        others.sort = .score
        guard others == OpportunityFilter() else { return nil }
        switch filter.sort {
        case .score: return page(Projection.self, ByScore.self, sport: filter.sport, after: after, limit: limit)
        case .edge: return page(Projection.self, ByEdge.self, sport: filter.sport, after: after, limit: limit)
        case .start: return page(Projection.self, ByStart.self, sport: filter.sport, after: after, limit: limit)
        }
    }

    private static func page<Projection: PageProjection, Order: PageOrder>(
        _: Projection.Type, _: Order.Type, sport: String?, after: (value: Double, id: UUID)?, limit: Int
    ) -> any PreparedOpportunityPage<Projection> {
        switch (sport != nil, after != nil) {
        case (true, true):
            OpportunityPageStatement<Projection, Order, OneSport, NextPage>(sport: sport, after: after, limit: limit)
        case (true, false):
            OpportunityPageStatement<Projection, Order, OneSport, FirstPage>(sport: sport, after: after, limit: limit)
        case (false, true):
            OpportunityPageStatement<Projection, Order, AllSports, NextPage>(sport: sport, after: after, limit: limit)
        case (false, false):
            OpportunityPageStatement<Projection, Order, AllSports, FirstPage>(sport: sport, after: after, limit: limit)
        }
    }
}

/// What a page reads of each opportunity, and the row it makes of it.
protocol PageProjection {
    associatedtype Row: Sendable
    /// Short name, part of the prepared statements' names.
    static var name: String { get }
    /// The columns the page selects (of `o`, the capped inner rows, and of what `joins` adds).
    static var columns: String { get }
    /// The columns of the inner, capped query over `opportunities o`.
    static var innerColumns: String { get }
    static var joins: String { get }
    /// The statement around the page's rows (`page`, ordered by `order`, at most `limit` rows: a placeholder).
    static func enclosing(_ page: String, order: String, limit: String) -> String
    static func decode(_ row: PostgresRow) throws -> Row
}

extension PageProjection {
    /// The page's rows as they are.
    static func enclosing(_ page: String, order: String, limit: String) -> String { page }
}

/// The columns of an opportunity and its teams' names: no `votes`/`prices` (large jsonb, detoasted and printed as
/// text for nothing).
enum RecordColumns: PageProjection {
    static var name: String { "record" }
    static var columns: String {
        """
        o.id, o.event_id, o.sport_key, o.competition, h.name AS home, a.name AS away, o.market, o.point, o.outcome,
        o.bookmaker, o.price,
        o.fair_probability, o.edge, o.score, o.verdict, o.agents, o.starts_at, o.status, o.detected_at, o.updated_at
        """
    }
    static var innerColumns: String { "*" }
    static var joins: String {
        "JOIN events e ON e.id = o.event_id JOIN participants h ON h.id = e.home_id JOIN participants a ON a.id = e.away_id"
    }
    static func decode(_ row: PostgresRow) throws -> OpportunityRecord {
        try PostgresOpportunityRepository.decode(row, details: false)
    }
}

/// The page's stored list entries (migration 0012, written by the generated encoder), as one row: PostgreSQL joins
/// the entries in order with commas, and returns the count and the last entry's sort keys (for the next cursor).
///
/// Why one row: reading a row per entry (five cells each, by name) was about 9 % of the server's CPU on an uncached
/// page of 50; the joined entries are one cell. The page query asks for the page size + 1 rows (the extra row only
/// says whether there is a next page), so the entries are the rows numbered below that limit.
enum ListingColumns: PageProjection {
    static var name: String { "listing_page" }
    static var columns: String { "o.id, o.score, o.edge, o.starts_at, o.listing" }
    static var innerColumns: String { columns }
    static var joins: String { "" }

    static func enclosing(_ page: String, order: String, limit: String) -> String {
        let last = "n = \(limit) - 1"
        return """
            SELECT count(*) AS fetched, count(*) FILTER (WHERE n < \(limit) AND listing IS NULL) AS unlisted,
                   string_agg(listing, ',' ORDER BY n) FILTER (WHERE n < \(limit)) AS entries,
                   (array_agg(id) FILTER (WHERE \(last)))[1] AS last_id, max(score) FILTER (WHERE \(last)) AS last_score,
                   max(edge) FILTER (WHERE \(last)) AS last_edge, max(starts_at) FILTER (WHERE \(last)) AS last_starts_at
            FROM (SELECT o.*, row_number() OVER (ORDER BY \(order)) AS n FROM (\(page)) o) o
            """
    }

    static func decode(_ row: PostgresRow) throws -> OpportunityListingPage {
        let value = RowReader(row)
        let fetched: Int = try value("fetched"), unlisted: Int = try value("unlisted")
        var last: OpportunityListingPage.Keys?
        if let id: UUID = try value("last_id") {
            last = OpportunityListingPage.Keys(
                id: id, score: try value("last_score"), edge: try value("last_edge"), startsAt: try value("last_starts_at"))
        }
        return OpportunityListingPage(fetched: fetched, unlisted: unlisted, entries: try value("entries"), last: last)
    }
}

/// A page statement of some projection (lets the repository run any shape through one generic call).
protocol PreparedOpportunityPage<Projection>: PostgresPreparedStatement where Row == Projection.Row {
    associatedtype Projection: PageProjection
}

// Marker types spelling the shape of a prepared page in its type, hence in its statement name.
protocol PageOrder { static var sort: OpportunityFilter.Sort { get } }
protocol PageScope { static var bySport: Bool { get } }
protocol PagePosition { static var afterCursor: Bool { get } }
enum ByScore: PageOrder { static var sort: OpportunityFilter.Sort { .score } }
enum ByEdge: PageOrder { static var sort: OpportunityFilter.Sort { .edge } }
enum ByStart: PageOrder { static var sort: OpportunityFilter.Sort { .start } }
enum OneSport: PageScope { static var bySport: Bool { true } }
enum AllSports: PageScope { static var bySport: Bool { false } }
enum FirstPage: PagePosition { static var afterCursor: Bool { false } }
enum NextPage: PagePosition { static var afterCursor: Bool { true } }

/// One page shape as a named prepared statement: PostgreSQL parses and plans it once per connection. Its
/// predicates are fixed by the shape (no `$1 IS NULL OR …`), so the generic plan uses the matching index.
struct OpportunityPageStatement<Projection: PageProjection, Order: PageOrder, Scope: PageScope, Position: PagePosition>:
    PreparedOpportunityPage
{
    typealias Row = Projection.Row
    let sport: String?
    let after: (value: Double, id: UUID)?
    let limit: Int

    static var name: String {
        "opportunity_\(Projection.name)_page_\(Order.sort.rawValue)_\(Scope.bySport ? "sport" : "all")_"
            + (Position.afterCursor ? "next" : "first")
    }

    static var sql: String {
        var builder = OpportunityPageQuery.Builder(sort: Order.sort)
        builder.equals("o.sport_key", Scope.bySport ? "" : nil)
        builder.after(Position.afterCursor ? (0, UUID()) : nil)
        return builder.sql(limit: 0, Projection.self)
    }

    func makeBindings() throws -> PostgresBindings {
        var builder = OpportunityPageQuery.Builder(sort: Order.sort)
        builder.equals("o.sport_key", sport)
        builder.after(after)
        _ = builder.sql(limit: limit, Projection.self)
        return builder.binds
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try Projection.decode(row)
    }
}
