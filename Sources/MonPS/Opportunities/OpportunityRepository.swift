import Foundation
import MonPSCore
import PostgresNIO

/// Where an opportunity is in its life: open for betting, withdrawn by a later detection run, or past its start.
enum OpportunityStatus: String, Sendable, CaseIterable {
    case active, withdrawn, expired
}

struct OpportunityRecord: Sendable, Equatable {
    var id: UUID
    var eventID: Int64
    var sport: String
    var competition: String?
    var home: String
    var away: String
    var market: MarketType
    var point: Double?
    var outcome: PriceOutcome
    var bookmaker: String
    var price: Double
    var fairProbability: Double
    var edge: Double
    var score: Double
    var verdict: Verdict
    var agents: [String]
    var startsAt: Date
    var status: OpportunityStatus
    var detectedAt: Date
    var updatedAt: Date
    /// Every agent's vote and the prices they saw; nil in list pages, which do not read them.
    var votesJSON: String?
    var pricesJSON: String?
}

struct AgentRecord: Sendable, Equatable {
    var id: String
    var letter: String
    var title: String
    var description: String
    var enabled: Bool

    init(_ row: PostgresRow) throws {
        let read = RowReader(row)
        (id, letter, title, description, enabled) = (
            try read("id"), try read("letter"), try read("title"), try read("description"), try read("enabled"))
    }
}

struct OpportunityFilter: Sendable, Equatable {
    enum Sort: String, Sendable {
        case score, edge, start

        /// A page's cursor values for its last item: the sort key, then the id.
        func cursorKey(score: Double, edge: Double, startsAt: Date, id: UUID) -> [String] {
            let value: Double = switch self {
            case .score: score
            case .edge: edge
            case .start: startsAt.timeIntervalSince1970
            }
            return [String(value), id.uuidString]
        }

        /// The keyset `(value, id)` of a cursor's values.
        static func keyset(_ values: [String]) throws(QueryInputError) -> (value: Double, id: UUID) {
            guard values.count == 2, let value = Double(values[0]), value.isFinite, let id = UUID(uuidString: values[1]) else {
                throw .foreignCursor
            }
            return (value, id)
        }
    }
    var sport: String?
    var competition: String?
    var market: String?
    var bookmaker: String?
    var agent: String?
    var verdict: String?
    var minEdge: Double?
    var startsBefore: Date?
    var sort: Sort = .score
}

struct PostgresOpportunityRepository: Sendable {
    let database: Database

    /// A page's columns, then the votes and prices (the detail view only).
    private static let columns = RecordColumns.columns + ", o.votes::text AS votes, o.prices::text AS prices"
    private static let joins = "FROM opportunities o " + RecordColumns.joins

    /// Active opportunities in the filter's order after the keyset `(value, id)`, at most `limit`.
    ///
    /// The common pages (no filter but the sport) run as named prepared statements, planned once per connection:
    /// planning the four-table join cost more than executing it. Other filter combinations run as one-off
    /// statements holding only the predicates in use. Pages leave out `votes`/`prices` (see `OpportunityRecord`).
    func list(_ filter: OpportunityFilter, after: (value: Double, id: UUID)?, limit: Int) async throws -> [OpportunityRecord] {
        guard (1...OpportunityPageQuery.maximumRows).contains(limit) else {
            throw QueryInputError(parameter: "limit", message: "must be between 1 and \(PageRequest.maximumLimit)")
        }
        if let page = OpportunityPageQuery.prepared(filter, after: after, limit: limit) {
            return try await run(page)
        }
        return try await database.query(OpportunityPageQuery.adHoc(filter, after: after, limit: limit)) {
            try Self.decode($0, details: false)
        }
    }

    /// The stored list entries of the page `list` would return (`limit` rows: the page size + 1), for pages filtered
    /// by nothing but (optionally) the sport; nil for other filters.
    func listing(_ filter: OpportunityFilter, after: (value: Double, id: UUID)?, limit: Int) async throws
        -> OpportunityListingPage?
    {
        guard (1...OpportunityPageQuery.maximumRows).contains(limit),
            let page = OpportunityPageQuery.prepared(filter, after: after, limit: limit, ListingColumns.self)
        else { return nil }
        guard let row = try await run(page).first else { throw StorageInvariantError.noRowReturned }
        return row
    }

    /// Opens the existential: every page shape of a projection decodes to its rows.
    private func run<Page: PreparedOpportunityPage>(_ page: Page) async throws -> [Page.Row] {
        try await database.execute(page)
    }

    func agents() async throws -> [AgentRecord] {
        try await database.query("SELECT id, letter, title, description, enabled FROM detection_agents ORDER BY letter")
            .map(AgentRecord.init)
    }

    /// Switches an agent on or off; nil when there is no such agent.
    func setAgent(_ id: String, enabled: Bool, by user: UUID) async throws -> AgentRecord? {
        try await database.query(
            """
            UPDATE detection_agents SET enabled = \(enabled), updated_at = now(), updated_by = \(user)
            WHERE id = \(id) RETURNING id, letter, title, description, enabled
            """
        ).first.map(AgentRecord.init)
    }

    func get(id: UUID) async throws -> OpportunityRecord? {
        try await database.query("SELECT \(unescaped: Self.columns) \(unescaped: Self.joins) WHERE o.id = \(id)")
            .first.map { try Self.decode($0) }
    }

    /// Today's prices of the opportunity's market and line, for its best-price view (`current_odds`: the event may
    /// have started since).
    func currentPrices(of record: OpportunityRecord) async throws -> [PriceRecord] {
        try await database.query(
            """
            SELECT k.key AS bookmaker, l.market, l.outcome, l.point, l.price, l.captured_at, k.aggregate
            FROM current_odds l JOIN bookmakers k ON k.id = l.bookmaker_id
            WHERE l.event_id = \(record.eventID) AND l.market = \(record.market.rawValue)
            ORDER BY l.outcome, k.key
            """
        ).map(PostgresEventRepository.decodePrice).filter { price in
            // Same line: each side's own point of the opportunity's market line (`MarketKey` mirrors a spread).
            guard let line = record.point else { return true }
            return price.point == MarketKey(record.market, line: line).point(of: price.outcome.rawValue)
        }
    }

    /// An opportunity row (`RecordColumns`); `details`: with the votes and prices JSON (the detail query only).
    static func decode(_ row: PostgresRow, details: Bool = true) throws -> OpportunityRecord {
        let read = RowReader(row)
        return OpportunityRecord(
            id: try read("id"), eventID: try read("event_id"), sport: try read("sport_key"),
            competition: try read("competition"), home: try read("home"), away: try read("away"),
            market: try read("market"), point: try read("point"), outcome: try read("outcome"),
            bookmaker: try read("bookmaker"), price: try read("price"), fairProbability: try read("fair_probability"),
            edge: try read("edge"), score: try read("score"), verdict: try read("verdict"), agents: try read("agents"),
            startsAt: try read("starts_at"), status: try read("status"), detectedAt: try read("detected_at"),
            updatedAt: try read("updated_at"), votesJSON: details ? try read("votes") : nil,
            pricesJSON: details ? try read("prices") : nil)
    }
}
