import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// Writes the opportunities of one detection run: each inserted, or updated in place when its selection (event,
/// market, line, outcome) is already known — then it keeps its id and `detected_at`.
enum OpportunityStore {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The agents' votes as `encoder` stored them. Written by this application's detector; an unreadable blob reads as
    /// no votes rather than failing the page that shows the opportunity.
    static func storedVotes(_ json: String?) -> [AgentVote] {
        guard let json else { return [] }
        return (try? decoder.decode([AgentVote].self, from: Data(json.utf8))) ?? []
    }

    /// Reads what `encoder` wrote; shared, as the encoder is, rather than made for every row of a page.
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// One opportunity ready to be written, with the event it belongs to and the board of its market.
    struct Pending {
        var opportunity: Opportunity
        var event: MarketSnapshots.EventInfo
        var board: MarketSnapshot?
    }

    /// Upserts every opportunity in one statement (one round trip however many there are) and returns their ids.
    ///
    /// A selection given twice is written once, as its last occurrence (what one upsert after the other did).
    static func upsert(_ pending: [Pending], connection: DatabaseConnection, logger: Logger) async throws -> [UUID] {
        var seen = Set<Selection>()
        let rows = Array(pending.reversed().filter { seen.insert(Selection($0.opportunity)).inserted }.reversed())
        guard !rows.isEmpty else { return [] }
        var columns = Columns()
        // The prices seen are those of the market's board: encoded once per market, not per opportunity.
        var pricesByMarket: [SnapshotKey: String] = [:]
        for row in rows {
            let key = SnapshotKey(row.opportunity.eventID, row.opportunity.market)
            let prices: String
            if let known = pricesByMarket[key] {
                prices = known
            } else {
                prices = try pricesJSON(row.board)
                pricesByMarket[key] = prices
            }
            try columns.append(row.opportunity, event: row.event, pricesJSON: prices)
        }
        // unnest keeps the arrays' order; events and competitions are joined once for all rows.
        let ids = try await connection.query(
            """
            INSERT INTO opportunities (event_id, sport_key, competition, market, point, outcome, bookmaker, price,
                captured_at, fair_probability, edge, score, verdict, agents, votes, prices, starts_at)
            SELECT u.event_id, u.sport_key, c.name, u.market, CASE WHEN u.has_point THEN u.point END, u.outcome,
                u.bookmaker, u.price, u.captured_at, u.fair_probability, u.edge, u.score, u.verdict,
                string_to_array(u.agents, ','), u.votes::jsonb, u.prices::jsonb, u.starts_at
            FROM unnest(\(columns.eventIDs)::int8[], \(columns.sports)::text[], \(columns.markets)::text[],
                    \(columns.hasPoint)::bool[], \(columns.points)::float8[], \(columns.outcomes)::text[],
                    \(columns.bookmakers)::text[], \(columns.prices)::float8[], \(columns.capturedAt)::timestamptz[],
                    \(columns.fairProbabilities)::float8[], \(columns.edges)::float8[], \(columns.scores)::float8[],
                    \(columns.verdicts)::text[], \(columns.agents)::text[], \(columns.votes)::text[],
                    \(columns.pricesSeen)::text[], \(columns.startsAt)::timestamptz[])
                WITH ORDINALITY AS u (event_id, sport_key, market, has_point, point, outcome, bookmaker, price,
                    captured_at, fair_probability, edge, score, verdict, agents, votes, prices, starts_at, n)
            JOIN events e ON e.id = u.event_id
            LEFT JOIN competitions c ON c.id = e.competition_id
            ORDER BY u.n
            ON CONFLICT (event_id, market, point, outcome) DO UPDATE SET
                bookmaker = excluded.bookmaker, price = excluded.price, captured_at = excluded.captured_at,
                fair_probability = excluded.fair_probability, edge = excluded.edge, score = excluded.score,
                verdict = excluded.verdict, agents = excluded.agents, votes = excluded.votes, prices = excluded.prices,
                starts_at = excluded.starts_at, status = 'active', updated_at = now()
            RETURNING id
            """).map { try $0.decode(UUID.self) }
        // An event deleted since it was read: the run is refused, as a single upsert refused it.
        guard ids.count == rows.count else { throw IngestionStorageError.noRowReturned }
        return ids
    }

    /// bookmaker → outcome → price of the market's board, as stored in `prices`.
    static func pricesJSON(_ board: MarketSnapshot?) throws -> String {
        var prices: [String: [String: Double]] = [:]
        for quote in board?.quotes ?? [] {
            for (index, point) in quote.prices.enumerated() {
                guard let point, let outcomes = board?.outcomes, index < outcomes.count else { continue }
                prices[quote.bookmaker, default: [:]][outcomes[index]] = point.decimalOdds
            }
        }
        return String(decoding: try encoder.encode(prices), as: UTF8.self)
    }

    /// The unique key of an opportunity (`UNIQUE NULLS NOT DISTINCT (event_id, market, point, outcome)`).
    struct Selection: Hashable {
        var eventID: Int64
        var market: MarketKey
        var outcome: String

        init(_ opportunity: Opportunity) {
            eventID = opportunity.eventID
            market = opportunity.market
            outcome = opportunity.outcome
        }
    }

    /// The statement's parameters: one array per column.
    struct Columns {
        var eventIDs: [Int64] = [], sports: [String] = [], markets: [String] = [], hasPoint: [Bool] = []
        var points: [Double] = [], outcomes: [String] = [], bookmakers: [String] = [], prices: [Double] = []
        var capturedAt: [Date] = [], fairProbabilities: [Double] = [], edges: [Double] = [], scores: [Double] = []
        var verdicts: [String] = [], agents: [String] = [], votes: [String] = [], pricesSeen: [String] = []
        var startsAt: [Date] = []

        mutating func append(_ opportunity: Opportunity, event: MarketSnapshots.EventInfo, pricesJSON: String) throws {
            eventIDs.append(event.id)
            sports.append(event.sport)
            markets.append(opportunity.market.type.rawValue)
            hasPoint.append(opportunity.market.line != nil)
            points.append(opportunity.market.line ?? 0)
            outcomes.append(opportunity.outcome)
            bookmakers.append(opportunity.bookmaker)
            prices.append(opportunity.decimalOdds)
            capturedAt.append(opportunity.capturedAt)
            fairProbabilities.append(opportunity.fairProbability)
            edges.append(opportunity.edge)
            scores.append(opportunity.score)
            verdicts.append(opportunity.verdict.rawValue)
            // Agent ids are `[a-z0-9_]+`: a comma never occurs in one.
            agents.append(opportunity.votes.filter(\.voted).map(\.agent.rawValue).joined(separator: ","))
            votes.append(String(decoding: try OpportunityStore.encoder.encode(opportunity.votes), as: UTF8.self))
            pricesSeen.append(pricesJSON)
            startsAt.append(event.startsAt)
        }
    }
}
