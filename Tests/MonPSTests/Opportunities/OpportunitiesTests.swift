import Foundation
import HummingbirdTesting
import Testing
import MonPSCore
@testable import MonPS

@Suite("Opportunities: live detection, the list and the agents' switches", .hangGuard)
struct OpportunitiesTests {
    /// An upcoming EPL match: six books around a fair 2.00 / 3.60 / 4.20 (Pinnacle 1.98/3.55/4.05), and one
    /// book still offering 5.60 on the away side (consensus and sharp agents both see it).
    static let books: [(String, [Double])] = [
        ("pinnacle", [1.98, 3.55, 4.05]), ("bet365", [1.95, 3.50, 4.00]), ("williamhill", [1.93, 3.40, 4.00]),
        ("unibet", [1.96, 3.45, 3.95]), ("bwin", [1.94, 3.50, 3.90]), ("betvictor", [1.90, 3.50, 5.60]),
    ]

    static func seed(
        _ app: TestApp, startsIn hours: Double = 30, home: String = "Arsenal", away: String = "Chelsea",
        externalID: String = "opp-1"
    ) async throws -> Int64 {
        let start = Date().addingTimeInterval(hours * 3600)
        let at = Date().addingTimeInterval(-600)
        var prices: [ImportedPrice] = []
        for (book, odds) in books {
            for (outcome, price) in zip([PriceOutcome.home, .draw, .away], odds) {
                prices.append(SampleEvents.price(book, .h2h, outcome, price, at: at))
            }
        }
        let event = ImportedEvent(
            sportKey: "soccer_epl", competition: "E0", home: home, away: away, startsAt: start,
            externalID: externalID, snapshots: prices, result: nil, sourceLine: 1)
        return try #require(try await app.services.loader.load([event], source: .file(.genericCSV)).eventIDs.first)
    }

    /// The id of the opportunity a detection run finds over `seed`'s match.
    static func detectedOpportunity(_ app: TestApp) async throws -> UUID {
        _ = try await seed(app)
        _ = try await OpportunityDetector(database: app.services.database, logger: TestEnvironment.logger).detect(now: Date())
        return try #require(try await app.services.database.query("SELECT id FROM opportunities").first?.decode(UUID.self))
    }

    @Test func detectsUpdatesWithdrawsAndExpires() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let event = try await Self.seed(app)
            let detector = OpportunityDetector(database: app.services.database, logger: TestEnvironment.logger)
            let first = try await detector.detect(now: Date())
            #expect(first.events == 1)
            #expect(first.active == 1)
            let again = try await detector.detect(now: Date())
            #expect(again.active == 1)
            #expect(try await app.services.database.count("SELECT count(*) FROM opportunities") == 1)

            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            let list = try await client.get("/v1/opportunities?sport=soccer_epl", token: token)
            #expect(list.status == .ok)
            let items = try #require(try list.json()["data"] as? [[String: Any]])
            let opportunity = try #require(items.first)
            #expect(opportunity["event_id"] as? Int == Int(event))
            #expect(opportunity["outcome"] as? String == "away")
            #expect(opportunity["bookmaker"] as? String == "betvictor")
            #expect(opportunity["price"] as? Double == 5.60)
            #expect(opportunity["home"] as? String == "Arsenal")
            let agents = try #require(opportunity["agents"] as? [String])
            #expect(agents.contains("consensus_anomaly") && agents.contains("sharp_value"))
            #expect((opportunity["edge"] as? Double ?? 0) > 0.1)
            #expect(["analyze", "caution"].contains(opportunity["verdict"] as? String ?? ""))

            let id = try #require(opportunity["id"] as? String)
            let detail = try await client.get("/v1/opportunities/\(id)", token: token).json()
            let votes = try #require(detail["votes"] as? [[String: Any]])
            #expect(votes.count == 3)
            #expect(votes.filter { $0["voted"] as? Bool == true }.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
            #expect(((detail["prices_seen"] as? [String: [String: Double]])?["betvictor"])?["away"] == 5.60)
            let best = try #require(detail["current_best"] as? [[String: Any]])
            #expect(best.first { $0["outcome"] as? String == "away" }?["price"] as? Double == 5.60)

            #expect((try await client.get("/v1/opportunities?min_edge=0.9", token: token).json()["data"] as? [Any])?.isEmpty == true)
            #expect((try await client.get("/v1/opportunities?starts_within=2h", token: token).json()["data"] as? [Any])?.isEmpty == true)
            #expect((try await client.get("/v1/opportunities?starts_within=2d&sort=edge", token: token).json()["data"] as? [Any])?.count == 1)
            #expect(try await client.get("/v1/opportunities?starts_within=soon", token: token).status == .badRequest)
            #expect(try await client.get("/v1/opportunities?sort=luck", token: token).status == .badRequest)
            #expect(try await client.get("/v1/opportunities/\(UUID())", token: token).status == .notFound)
            #expect(try await client.get("/v1/opportunities").status == .unauthorized)

            // Every agent off: the next run withdraws it; back on: the same row is active again.
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            for agent in ["consensus_anomaly", "sharp_value", "steam"] {
                let off = try await client.postJSON("/v1/admin/agents/\(agent)", #"{"enabled":false}"#, token: admin, method: .patch)
                #expect(off.status == .ok)
            }
            #expect(try await client.postJSON("/v1/admin/agents/consensus_anomaly", #"{"enabled":false}"#, token: token, method: .patch).status == .forbidden)
            #expect(try await detector.detect(now: Date()).withdrawn == 1)
            #expect((try await client.get("/v1/agents", token: token).json()["data"] as? [[String: Any]])?.filter { $0["enabled"] as? Bool == false }.count == 3)
            _ = try await client.postJSON("/v1/admin/agents/consensus_anomaly", #"{"enabled":true}"#, token: admin, method: .patch)
            #expect(try await detector.detect(now: Date()).active == 1)
            #expect(try await app.services.database.count("SELECT count(*) FROM opportunities WHERE status = 'active'") == 1)

            // Kick-off: it expires.
            try await app.services.database.query("UPDATE events SET starts_at = now() - interval '1 minute' WHERE id = \(event)")
            try await app.services.database.query("UPDATE opportunities SET starts_at = now() - interval '1 minute'")
            #expect(try await detector.detect(now: Date()).expired == 1)
        }
    }
}
