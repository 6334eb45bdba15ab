import Foundation
import MonPSCore
import PostgresNIO

/// A past opportunity as stored, with its event's result and its paper grade.
struct OpportunityHistoryRecord: Sendable, Equatable {
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
    var votes: [AgentVote]
    /// As stored: `withdrawn`, `expired`, or still `active` when its event has started before the expiry job ran.
    var status: OpportunityStatus
    var startsAt: Date
    var detectedAt: Date
    var homeScore: Int?
    var awayScore: Int?
    var winner: MatchResultSelection?
    var grade: BetOutcome?
    var unitReturn: Double?
    var clv: Double?
    /// `starts_at` in microseconds (the keyset of the pages).
    var startsMicros: Int64
}

struct OpportunityHistoryFilter: Sendable, Equatable {
    var agent: String?
    var sport: String?
    var verdict: Verdict?
    var from: Date?
    var to: Date?
}

/// Past opportunities as of the process clock (`GET /v1/opportunities/history`).
struct OpportunityHistoryService: Sendable {
    let repository: OpportunityHistoryRepository
    let now: @Sendable () -> Date

    func page(
        filter: OpportunityHistoryFilter, after: (micros: Int64, id: UUID)?, limit: Int
    ) async throws -> [OpportunityHistoryRecord] {
        try await repository.page(filter: filter, now: now(), after: after, limit: limit)
    }
}

/// Past opportunities, latest kick-off first: withdrawn or expired, or active ones whose event has started (the
/// expiry job has not run yet). Keyset pages on (starts_at, id) over `opportunities_history_idx` (migration 0015).
struct OpportunityHistoryRepository: Sendable {
    let database: Database

    func page(
        filter: OpportunityHistoryFilter, now: Date, after: (micros: Int64, id: UUID)?, limit: Int
    ) async throws -> [OpportunityHistoryRecord] {
        let rows = try await database.query(
            """
            SELECT o.id, o.event_id, o.sport_key, o.competition, ph.name AS home, pa.name AS away, o.market, o.point,
                   o.outcome, o.bookmaker, o.price, o.fair_probability, o.edge, o.score, o.verdict, o.agents,
                   o.votes::text AS votes, o.status,
                   o.starts_at, o.detected_at, r.home_score, r.away_score, r.winner, o.grade, o.unit_return, o.clv,
                   \(unescaped: KeysetSQL.micros("o.starts_at")) AS starts_micros
            FROM opportunities o JOIN events e ON e.id = o.event_id
            JOIN participants ph ON ph.id = e.home_id JOIN participants pa ON pa.id = e.away_id
            LEFT JOIN event_results r ON r.event_id = o.event_id
            WHERE (o.status <> 'active' OR o.starts_at <= \(now))
              \(and: "o.sport_key", filter.sport) \(and: "o.verdict", filter.verdict?.rawValue)
              \(and: "o.starts_at", ">=", filter.from) \(and: "o.starts_at", "<", filter.to)
              \(agentVoted: filter.agent) \(before: after)
            ORDER BY o.starts_at DESC, o.id DESC
            LIMIT \(limit)
            """)
        return try rows.map { row in
            let c = RowReader(row)
            return OpportunityHistoryRecord(
                id: try c("id"), eventID: try c("event_id"), sport: try c("sport_key"), competition: try c("competition"),
                home: try c("home"), away: try c("away"), market: try c("market"), point: try c("point"),
                outcome: try c("outcome"), bookmaker: try c("bookmaker"), price: try c("price"),
                fairProbability: try c("fair_probability"), edge: try c("edge"), score: try c("score"),
                verdict: try c("verdict"), agents: try c("agents"), votes: OpportunityStore.storedVotes(try c("votes")),
                status: try c("status"), startsAt: try c("starts_at"), detectedAt: try c("detected_at"),
                homeScore: try c("home_score", Int32?.self).map(Int.init), awayScore: try c("away_score", Int32?.self).map(Int.init),
                winner: try c("winner", MatchResultSelection?.self), grade: try c("grade", BetOutcome?.self),
                unitReturn: try c("unit_return"), clv: try c("clv"),
                startsMicros: try c("starts_micros"))
        }
    }
}

extension PostgresQuery.StringInterpolation {
    mutating func appendInterpolation(agentVoted agent: String?) {
        guard let agent else { return }
        appendLiteral(" AND ")
        appendInterpolation(agent)
        appendLiteral("::text = ANY (o.agents)")
    }

    mutating func appendInterpolation(before position: (micros: Int64, id: UUID)?) {
        guard let position else { return }
        appendLiteral(" AND (o.starts_at, o.id) < (timestamptz 'epoch' + ")
        appendInterpolation(position.micros)
        appendLiteral(" * interval '1 microsecond', ")
        appendInterpolation(position.id)
        appendLiteral(")")
    }
}
