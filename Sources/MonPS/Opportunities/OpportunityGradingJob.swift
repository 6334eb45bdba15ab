import Foundation
import MonPSCore
import PostgresNIO

/// `opportunities.grade`: the live record of the agents. Every opportunity still active at kick-off is graded, once its
/// event has a result, as a flat paper bet at its last price — settled by the same rules as users' bets — with its
/// CLV against the sharp bookmaker's de-vigged closing line. These grades feed `GET /v1/agents/compare` and agent D.
struct OpportunityGradingJob: Job {
    let database: Database
    var interval: Duration = .seconds(600)
    var batchSize = 1_000
    var rules = SettlementRules()
    /// The paper stake, minor units: large enough that quarter-line half stakes stay exact.
    static let paperStake: Int64 = 10_000

    var name: String { "opportunities.grade" }
    var summary: String { "Grades opportunities that reached kick-off against the results (the agents' live record)" }

    /// The sharp bookmaker's closing prices of an event: market → outcome → price.
    private typealias Closing = [MarketKey: [String: Double]]

    private struct Pending {
        var id: UUID
        var eventID: Int64
        /// `nil` for a market no longer recognised (graded as not gradable).
        var market: MarketKey?
        var bet: BetGrading.StoredBet
        var event: BetGrading.StoredEvent
    }

    private struct Grade {
        var id: UUID
        var grade: String?
        var unitReturn: Double
        var clv: Double
    }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var outcome = JobOutcome()
        var after: (Date, UUID)?
        let now = context.now()
        while !Task.isCancelled {
            let (batch, last) = try await pending(after: after)
            guard let last else { break }
            after = last
            let closing = try await sharpClosing(Array(Set(batch.map(\.eventID))))
            var grades: [Grade] = []
            for item in batch {
                guard let grade = try grade(item, closing: closing[item.eventID] ?? [:], now: now) else { continue }
                grades.append(grade)
                if grade.grade == nil { outcome.errors += 1 } else { outcome.items += 1 }
            }
            try await store(grades)
        }
        outcome.message = "\(outcome.items) opportunit\(outcome.items == 1 ? "y" : "ies") graded"
            + (outcome.errors > 0 ? ", \(outcome.errors) not gradable" : "")
        return outcome
    }

    /// Expired (reached kick-off), ungraded opportunities of events with a result or cancelled.
    private func pending(after: (Date, UUID)?) async throws -> ([Pending], (Date, UUID)?) {
        let rows = try await database.query(
            """
            SELECT o.id, o.event_id, o.market, o.outcome, o.point, o.price, o.starts_at, s.outcomes = 3 AS has_draw,
                   s.group_key, e.status AS event_status, e.starts_at AS event_starts_at,
                   \(unescaped: BetGrading.resultColumns)
            FROM opportunities o JOIN events e ON e.id = o.event_id JOIN sports s ON s.key = e.sport_key
            LEFT JOIN event_results r ON r.event_id = e.id
            WHERE o.status = 'expired' AND o.graded_at IS NULL AND (r.event_id IS NOT NULL OR e.status = 'cancelled')
              AND (\(after?.0)::timestamptz IS NULL OR (o.starts_at, o.id) > (\(after?.0), \(after?.1)))
            ORDER BY o.starts_at, o.id LIMIT \(batchSize)
            """)
        var last: (Date, UUID)?
        let items = try rows.map { row in
            let read = RowReader(row)
            let market: String = try read("market"), outcome: String = try read("outcome"), line: Double? = try read("point")
            // Opportunities carry the market's line (the home handicap); the paper bet is at its own side's point.
            let key = MarketType(rawValue: market).map { MarketKey($0, line: $0 == .h2h ? nil : line) }
            let point = key?.point(of: outcome)
            let id: UUID = try read("id"), eventID: Int64 = try read("event_id"), price: Double = try read("price")
            let hasDraw: Bool = try read("has_draw")
            last = (try read("starts_at"), id)
            return Pending(
                id: id, eventID: eventID, market: key,
                bet: BetGrading.StoredBet(
                    market: try BetMarketKind(stored: market, column: "opportunities.market"),
                    selection: try BetSelection(stored: outcome, column: "opportunities.outcome"), point: point, odds: price, stake: Self.paperStake, hasDraw: hasDraw,
                    groupKey: try read("group_key")),
                event: BetGrading.StoredEvent(
                    status: try read("event_status"), startsAt: try read("event_starts_at"), result: try BetGrading.result(read)))
        }
        return (items, last)
    }

    /// The sharp bookmaker's closing prices per event and market.
    private func sharpClosing(_ events: [Int64]) async throws -> [Int64: Closing] {
        var closing: [Int64: Closing] = [:]
        let rows = try await database.query(
            """
            SELECT c.event_id, c.market, c.outcome, c.point, c.price
            FROM closing_odds c JOIN bookmakers k ON k.id = c.bookmaker_id
            WHERE k.sharp AND c.event_id = ANY(\(events))
            ORDER BY c.event_id, c.market, c.outcome, c.point NULLS FIRST
            """)
        for row in rows {
            let read = RowReader(row)
            let event: Int64 = try read("event_id"), market: String = try read("market"), outcome: String = try read("outcome")
            let point: Double? = try read("point"), price: Double = try read("price")
            guard let key = MarketKey(market: market, outcome: outcome, point: point) else { continue }
            closing[event, default: [:]][key, default: [:]][outcome] = price
        }
        return closing
    }

    /// `nil` while the event cannot be graded yet; a grade of `nil` marks an opportunity that never will be.
    private func grade(
        _ item: Pending, closing: Closing, now: Date
    ) throws -> Grade? {
        let decision: SettlementDecision
        do {
            decision = try BetGrading.decision(item.bet, item.event, rules: rules, now: now)
        } catch is BetGrading.GradingError {
            return Grade(id: item.id, grade: nil, unitReturn: 0, clv: .nan)
        }
        guard let result = decision.result else { return nil }
        var clv = Double.nan
        if result.outcome != .void,
           let key = item.market,
           let market = ClosingLineValueJob.sharpMarket(
               key, selection: item.bet.selection.rawValue, hasDraw: item.bet.hasDraw, from: closing[key] ?? [:]),
           let value = try? ClosingLineValue(
               betOdds: item.bet.odds, closingOdds: market.odds, selection: market.selection, method: .multiplicative)
        {
            clv = value.oddsBased
        }
        return Grade(
            id: item.id, grade: result.outcome.rawValue,
            unitReturn: Double(result.payout) / Double(Self.paperStake), clv: clv)
    }

    private func store(_ grades: [Grade]) async throws {
        guard !grades.isEmpty else { return }
        // No arrays of optionals in PostgresNIO: "not gradable" travels as an empty grade, no CLV as NaN.
        _ = try await database.query(
            """
            UPDATE opportunities o SET grade = nullif(g.grade, ''), unit_return = CASE WHEN g.grade = '' THEN NULL ELSE g.r END,
                clv = nullif(g.clv, 'NaN'), graded_at = now()
            FROM unnest(\(grades.map(\.id))::uuid[], \(grades.map { $0.grade ?? "" })::text[],
                        \(grades.map(\.unitReturn))::float8[], \(grades.map(\.clv))::float8[]) AS g(id, grade, r, clv)
            WHERE o.id = g.id AND o.graded_at IS NULL
            """)
    }
}
