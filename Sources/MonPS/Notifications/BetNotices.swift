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
            SELECT b.id, b.user_id, coalesce(h.name || ' v ' || a.name, b.event_description, 'bet'), b.sport_key,
                   e.starts_at, b.market, b.selection, b.point::float8, b.bookmaker, b.odds::float8, b.stake, br.currency,
                   b.status, b.payout, b.profit, b.clv::float8, b.closing_odds::float8
            FROM bets b JOIN bankrolls br ON br.id = b.bankroll_id
            LEFT JOIN events e ON e.id = b.event_id
            LEFT JOIN participants h ON h.id = e.home_id LEFT JOIN participants a ON a.id = e.away_id
            WHERE b.id = ANY(\(betIDs))
            """)
        return try rows.map { row in
            let read = RowReader(row)
            let notice = BetNotice(
                betID: try read(0, UUID.self).uuidString.lowercased(), event: try read(2), sport: try read(3), startsAt: try read(4), market: try read(5),
                selection: try read(6), point: try read(7), bookmaker: try read(8), odds: try read(9), stake: try read(10),
                currency: try read(11), status: try read(12), payout: try read(13), profit: try read(14), clv: try read(15),
                closingOdds: try read(16))
            return try NotificationDraft(userID: try read(1), type: type, subject: notice.betID, payload: notice)
        }
    }
}
