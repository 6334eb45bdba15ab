import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// Writes one detected opportunity: inserted, or updated in place when its selection is already known.
enum OpportunityStore {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func upsert(
        _ opportunity: Opportunity, event: MarketSnapshots.EventInfo, board: MarketSnapshot?,
        connection: PostgresConnection, logger: Logger
    ) async throws -> UUID {
        let votes = String(decoding: try encoder.encode(opportunity.votes), as: UTF8.self)
        var prices: [String: [String: Double]] = [:]
        for quote in board?.quotes ?? [] {
            for (index, point) in quote.prices.enumerated() {
                guard let point, let outcomes = board?.outcomes, index < outcomes.count else { continue }
                prices[quote.bookmaker, default: [:]][outcomes[index]] = point.decimalOdds
            }
        }
        let pricesJSON = String(decoding: try encoder.encode(prices), as: UTF8.self)
        let agents = opportunity.votes.filter(\.voted).map(\.agent.rawValue)
        let line = opportunity.market.line
        let rows = try await connection.query(
            """
            INSERT INTO opportunities (event_id, sport_key, competition, market, point, outcome, bookmaker, price,
                captured_at, fair_probability, edge, score, verdict, agents, votes, prices, starts_at)
            SELECT \(event.id), \(event.sport), c.name, \(opportunity.market.type.rawValue), \(line), \(opportunity.outcome),
                \(opportunity.bookmaker), \(opportunity.decimalOdds), \(opportunity.capturedAt), \(opportunity.fairProbability),
                \(opportunity.edge), \(opportunity.score), \(opportunity.verdict.rawValue), \(agents), \(votes)::jsonb,
                \(pricesJSON)::jsonb, \(event.startsAt)
            FROM events e LEFT JOIN competitions c ON c.id = e.competition_id WHERE e.id = \(event.id)
            ON CONFLICT (event_id, market, point, outcome) DO UPDATE SET
                bookmaker = excluded.bookmaker, price = excluded.price, captured_at = excluded.captured_at,
                fair_probability = excluded.fair_probability, edge = excluded.edge, score = excluded.score,
                verdict = excluded.verdict, agents = excluded.agents, votes = excluded.votes, prices = excluded.prices,
                starts_at = excluded.starts_at, status = 'active', updated_at = now()
            RETURNING id
            """, logger: logger).collect()
        guard let id = try rows.first?.decode(UUID.self) else { throw IngestionStorageError.noRowReturned }
        return id
    }
}
