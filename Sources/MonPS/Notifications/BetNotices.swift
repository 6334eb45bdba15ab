import Foundation
import MonPSCore
import PostgresNIO

/// The payload of the bet notifications (`bet.kickoff_soon`, `bet.settled`, `bet.clv`): the bet as its owner
/// knows it, in the state the recording transaction sees.
struct BetNotice: Sendable, Encodable {
    /// Lower-case, as the API writes ids.
    let betID: String
    let event: String
    let sport: String
    let startsAt: Date?
    let market: String
    let selection: String
    let point: Double?
    let bookmaker: String
    let odds: Double
    /// Minor units of `currency`.
    let stake: Int64
    let currency: String
    let status: String
    let payout: Int64?
    let profit: Int64?
    let clv: Double?
    let closingOdds: Double?

    enum CodingKeys: String, CodingKey {
        case event, sport, market, selection, point, bookmaker, odds, stake, currency, status, payout, profit, clv
        case betID = "bet_id"
        case startsAt = "starts_at"
        case closingOdds = "closing_odds"
    }

    /// One draft of `type` per bet in `betIDs`, for the bet's owner (subject: the bet id).
    static func drafts(_ type: NotificationType, betIDs: [UUID], on connection: DatabaseConnection) async throws
        -> [NotificationDraft]
    {
        guard !betIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT b.id, b.user_id, coalesce(h.name || ' v ' || a.name, b.event_description, 'bet') AS event, b.sport_key,
                   e.starts_at, b.market, b.selection, b.point::float8 AS point, b.bookmaker, b.odds::float8 AS odds,
                   b.stake, br.currency, b.status, b.payout, b.profit, b.clv::float8 AS clv,
                   b.closing_odds::float8 AS closing_odds
            FROM bets b JOIN bankrolls br ON br.id = b.bankroll_id
            LEFT JOIN events e ON e.id = b.event_id
            LEFT JOIN participants h ON h.id = e.home_id LEFT JOIN participants a ON a.id = e.away_id
            WHERE b.id = ANY(\(betIDs))
            """)
        return try rows.map { row in
            let read = RowReader(row)
            let notice = BetNotice(
                betID: try read("id", UUID.self).uuidString.lowercased(), event: try read("event"), sport: try read("sport_key"),
                startsAt: try read("starts_at"), market: try read("market"), selection: try read("selection"),
                point: try read("point"), bookmaker: try read("bookmaker"), odds: try read("odds"), stake: try read("stake"),
                currency: try read("currency"), status: try read("status"), payout: try read("payout"),
                profit: try read("profit"), clv: try read("clv"), closingOdds: try read("closing_odds"))
            return try NotificationDraft(userID: try read("user_id"), type: type, subject: notice.betID, payload: notice)
        }
    }
}
