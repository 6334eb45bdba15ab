import Foundation
import MonPSCore
import PostgresNIO

/// `opportunity.new` for every active user whose alert preferences the opportunity meets (edge, sport, verdict).
/// Subject: the opportunity id, so a user hears of a selection once, the first time it qualifies for them.
struct OpportunityAlert: Sendable, Encodable {
    /// Lower-case, as the API writes ids.
    let opportunityID: String
    let eventID: Int64
    let event: String
    let sport: String
    let competition: String?
    let startsAt: Date
    let market: String
    let outcome: String
    let point: Double?
    let bookmaker: String
    let price: Double
    let edge: Double
    let score: Double
    let verdict: String

    enum CodingKeys: String, CodingKey {
        case event, sport, competition, market, outcome, point, bookmaker, price, edge, score, verdict
        case opportunityID = "opportunity_id"
        case eventID = "event_id"
        case startsAt = "starts_at"
    }

    static func drafts(opportunityIDs: [UUID], on connection: DatabaseConnection) async throws -> [NotificationDraft] {
        guard !opportunityIDs.isEmpty else { return [] }
        let alerts = try await connection.query(
            """
            SELECT o.id, o.event_id, h.name || ' v ' || a.name AS event, o.sport_key, o.competition, o.starts_at, o.market,
                   o.outcome, o.point, o.bookmaker, o.price, o.edge, o.score, o.verdict
            FROM opportunities o JOIN events e ON e.id = o.event_id
            JOIN participants h ON h.id = e.home_id JOIN participants a ON a.id = e.away_id
            WHERE o.id = ANY(\(opportunityIDs)) AND o.status = 'active'
            """
        ).map { row in
            let read = RowReader(row)
            return OpportunityAlert(
                opportunityID: try read("id", UUID.self).uuidString.lowercased(), eventID: try read("event_id"),
                event: try read("event"), sport: try read("sport_key"), competition: try read("competition"),
                startsAt: try read("starts_at"), market: try read("market"), outcome: try read("outcome"),
                point: try read("point"), bookmaker: try read("bookmaker"), price: try read("price"), edge: try read("edge"),
                score: try read("score"), verdict: try read("verdict"))
        }
        guard let best = alerts.map(\.edge).max() else { return [] }
        // Only users whose threshold the best edge reaches can want any of them.
        let users = try await connection.query(
            """
            SELECT u.id, s.alerts::text AS alerts FROM users u LEFT JOIN user_settings s ON s.user_id = u.id
            WHERE u.status = 'active' AND coalesce((s.alerts->>'min_edge')::float8, \(AlertPreferences().minEdge)) <= \(best)
            """
        ).map { row in
            let read = RowReader(row)
            return (try read("id", UUID.self), AlertPreferences(stored: try read("alerts", String?.self)))
        }
        var drafts: [NotificationDraft] = []
        for (userID, preferences) in users {
            for alert in alerts where preferences.wants(edge: alert.edge, sport: alert.sport, verdict: alert.verdict) {
                drafts.append(try NotificationDraft(
                    userID: userID, type: .opportunityNew, subject: alert.opportunityID, payload: alert))
            }
        }
        return drafts
    }
}
