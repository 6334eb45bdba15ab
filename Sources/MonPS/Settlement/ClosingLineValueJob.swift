import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// `clv.compute`: fills each bet's closing odds from prices already stored (no upstream call): its own
/// bookmaker's last price before the start, the sharp bookmaker's closing market de-vigged with the owner's
/// method, the CLV (bet odds ÷ fair closing odds − 1) and whether the bet beat the close.
struct ClosingLineValueJob: Job {
    let database: Database
    /// Records `bet.clv` with the bet's CLV, in the same transaction.
    var outbox: NotificationOutbox?
    let schedule: @Sendable () -> Duration
    var interval: Duration { schedule() }
    var batchSize = 500

    var name: String { "clv.compute" }
    var summary: String { "Closing odds, fair closing odds and CLV of bets on started events" }

    struct Candidate: Sendable {
        var id: UUID
        var eventID: Int64
        var bookmaker: String
        var market: String
        var selection: String
        var point: Double?
        var odds: Double
        var sharpBookmaker: String
        var method: DevigMethod
        var hasDraw: Bool
    }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var outcome = JobOutcome()
        var after: UUID?
        while !Task.isCancelled {
            let candidates = try await pending(after: after)
            guard let last = candidates.last else { break }
            after = last.id
            for candidate in candidates {
                if try await fill(candidate) { outcome.items += 1 }
            }
            if candidates.count < batchSize { break }
        }
        outcome.message = "closing line value recorded for \(outcome.items) bet(s)"
        return outcome
    }

    /// Bets on events whose closing line is recorded and whose CLV is not known yet.
    func pending(after: UUID? = nil) async throws -> [Candidate] {
        try await database.query(
            """
            SELECT b.id, b.event_id, b.bookmaker, b.market, b.selection, b.point::float8 AS point, b.odds::float8 AS odds,
                   coalesce(u.sharp_bookmaker, 'pinnacle') AS sharp_bookmaker, coalesce(u.devig_method, 'shin') AS devig_method,
                   s.outcomes = 3 AS has_draw
            FROM bets b JOIN events e ON e.id = b.event_id JOIN sports s ON s.key = e.sport_key
            LEFT JOIN user_settings u ON u.user_id = b.user_id
            WHERE b.clv IS NULL AND b.status NOT IN ('cancelled', 'void') AND e.closing_marked_at IS NOT NULL
              AND e.status NOT IN ('cancelled', 'postponed')
              AND b.market IN ('h2h', 'spreads', 'totals') AND (\(after)::uuid IS NULL OR b.id > \(after))
            ORDER BY b.id LIMIT \(batchSize)
            """
        ).map { row in
            let read = RowReader(row)
            return Candidate(
                id: try read("id"), eventID: try read("event_id"), bookmaker: try read("bookmaker"), market: try read("market"),
                selection: try read("selection"), point: try read("point"), odds: try read("odds"),
                sharpBookmaker: try read("sharp_bookmaker"), method: try read("devig_method", DevigMethod.self),
                hasDraw: try read("has_draw"))
        }
    }

    /// Returns whether a CLV could be computed and stored.
    func fill(_ bet: Candidate) async throws -> Bool {
        guard let key = MarketKey(market: bet.market, outcome: bet.selection, point: bet.point) else { return false }
        let rows = try await database.query(
            """
            SELECT k.key AS bookmaker, c.outcome, c.point, c.price FROM closing_odds c JOIN bookmakers k ON k.id = c.bookmaker_id
            WHERE c.event_id = \(bet.eventID) AND c.market = \(bet.market) AND k.key IN (\(bet.bookmaker), \(bet.sharpBookmaker))
            """)
        var own: Double?
        var sharp: [String: Double] = [:]
        for row in rows {
            let read = RowReader(row)
            let book: String = try read("bookmaker"), outcome: String = try read("outcome")
            let point: Double? = try read("point"), price: Double = try read("price")
            if book == bet.bookmaker, outcome == bet.selection, point == bet.point { own = price }
            // Only a sharp close at the bet's own line (its market) measures the bet.
            if book == bet.sharpBookmaker, MarketKey(market: bet.market, outcome: outcome, point: point) == key {
                sharp[outcome] = price
            }
        }
        guard let market = Self.sharpMarket(key, selection: bet.selection, hasDraw: bet.hasDraw, from: sharp) else { return false }
        let value: ClosingLineValue
        do {
            value = try ClosingLineValue(betOdds: bet.odds, closingOdds: market.odds, selection: market.selection, method: bet.method)
        } catch {
            return false
        }
        let recorded = try await database.transaction { connection in
            let updated = try await connection.query(
                """
                UPDATE bets SET closing_odds = \(own), sharp_closing_odds = \(market.odds[market.selection]),
                    fair_closing_odds = \(value.fairClosingOdds), clv = \(value.oddsBased), beat_close = \(value.beatClose),
                    updated_at = now()
                WHERE id = \(bet.id) AND clv IS NULL RETURNING 1
                """)
            guard !updated.isEmpty, let outbox else { return [RecordedNotification]() }
            return try await outbox.record(try await BetNotice.drafts(.betCLV, betIDs: [bet.id], on: connection), on: connection)
        }
        await outbox?.announce(recorded)
        return true
    }

    /// The sharp book's closing prices of one market (outcome → price, all of them at that market's line) in outcome
    /// order, with the index of `selection`; `nil` unless every outcome is priced.
    static func sharpMarket(
        _ key: MarketKey, selection: String, hasDraw: Bool, from prices: [String: Double]
    ) -> (odds: [Double], selection: Int)? {
        let outcomes = key.type.outcomes(hasDraw: hasDraw)
        guard let index = outcomes.firstIndex(of: selection) else { return nil }
        var odds: [Double] = []
        for outcome in outcomes {
            guard let price = prices[outcome] else { return nil }
            odds.append(price)
        }
        return (odds, index)
    }
}
