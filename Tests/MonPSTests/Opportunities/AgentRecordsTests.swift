import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

@Suite("Agents' live record: grading at kick-off, GET /v1/agents/compare and agent D's weights", .hangGuard)
struct AgentRecordsTests {
    /// Detects the Arsenal–Chelsea opportunity (BetVictor 5.60 on the away side), then plays the match: kick-off,
    /// Pinnacle's prices (1.98/3.55/4.05) as the close, Chelsea win 0-2.
    static func playedOpportunity(_ app: TestApp) async throws -> Int64 {
        let db = app.services.database
        let event = try await OpportunitiesTests.seed(app)
        let detector = OpportunityDetector(database: db, logger: TestEnvironment.logger)
        #expect(try await detector.detect(now: Date()).active == 1)
        try await db.query("UPDATE events SET starts_at = now() - interval '3 hours', status = 'finished' WHERE id = \(event)")
        try await db.query("UPDATE opportunities SET starts_at = now() - interval '3 hours' WHERE event_id = \(event)")
        #expect(try await detector.detect(now: Date()).expired == 1)
        try await db.query("INSERT INTO closing_odds SELECT * FROM latest_odds WHERE event_id = \(event)")
        try await db.query(
            """
            INSERT INTO event_results (event_id, home_score, away_score, regulation_home, regulation_away, outcome, winner, source)
            VALUES (\(event), 0, 2, 0, 2, 'finished', 'away', 'test')
            """)
        return event
    }

    @Test func gradesOpportunitiesAtKickOffOnceAndComparesAgents() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let db = app.services.database
            _ = try await Self.playedOpportunity(app)
            _ = try await app.services.jobs.runNow("opportunities.grade", trigger: .manual)
            let rows = try await db.query("SELECT grade, unit_return, clv FROM opportunities")
            let (grade, unitReturn, clv) = try #require(rows.first).decode((String?, Double?, Double?).self)
            #expect(grade == "won")
            #expect(unitReturn == 5.60)
            // Pinnacle close de-vigged (multiplicative): away 0.2469136 / 1.0336542 = 0.2388745 → fair 4.186298;
            // CLV = 5.60 / 4.186298 − 1 = +0.33770.
            #expect(abs((clv ?? 0) - 0.33770) < 0.0001)
            // Graded once: a second run changes nothing.
            try await db.query("UPDATE opportunities SET unit_return = 9")
            _ = try await app.services.jobs.runNow("opportunities.grade", trigger: .manual)
            #expect(try await db.count("SELECT count(*) FROM opportunities WHERE unit_return = 9") == 1)
            try await db.query("UPDATE opportunities SET unit_return = 5.6")

            let token = try await TestAccounts(app: app, client: client).token(role: .user)
            let response = try await client.get("/v1/agents/compare?sport=soccer_epl&period=month", token: token)
            #expect(response.status == .ok)
            let body = try response.json()
            let agents = try #require(body["agents"] as? [[String: Any]])
            #expect(agents.map { $0["agent"] as? String } == ["consensus_anomaly", "sharp_value", "steam", "consensus"])
            let anomaly = try #require(agents.first)
            let live = try #require(anomaly["live"] as? [String: Any])
            #expect(live["bets"] as? Int == 1)
            #expect(live["staked"] as? Int == 100)
            #expect(live["profit"] as? Int == 460)
            #expect(live["hit_rate"] as? Double == 1)
            #expect(abs((live["average_clv"] as? Double ?? 0) - 0.33770) < 0.0001)
            #expect((anomaly["periods"] as? [[String: Any]])?.count == 1)
            // Agent D's weight of A after one winning bet (ROI +4.6, CLV +0.3377):
            // 1 + 10 · (0.5 · 1/501 · 4.6 + 0.5 · 1/101 · 0.3377) = 1.06262.
            #expect(abs((anomaly["weight"] as? Double ?? 0) - 1.06262) < 0.0001)
            let steam = try #require(agents.first { $0["agent"] as? String == "steam" })
            #expect((steam["live"] as? [String: Any])?["bets"] as? Int == 0)
            #expect(steam["weight"] as? Double == 1)
            let verdicts = try #require(body["verdicts"] as? [[String: Any]])
            #expect(verdicts.map { $0["verdict"] as? String } == ["analyze", "caution"])
            #expect(verdicts.compactMap { ($0["stats"] as? [String: Any])?["bets"] as? Int }.reduce(0, +) == 1)

            // Another sport sees nothing; bad parameters are 400s.
            let other = try await client.get("/v1/agents/compare?sport=icehockey_nhl", token: token).json()
            #expect(((other["agents"] as? [[String: Any]])?.first?["live"] as? [String: Any])?["bets"] as? Int == 0)
            #expect(try await client.get("/v1/agents/compare?period=decade", token: token).status == .badRequest)
            // An inverted window is empty, not an error (the contract's rule for every window).
            #expect(try await client.get("/v1/agents/compare?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", token: token).status == .ok)
        }
    }

    @Test func agentDWeighsTheLiveVotesByTheRecords() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let db = app.services.database
            _ = try await Self.playedOpportunity(app)
            _ = try await app.services.jobs.runNow("opportunities.grade", trigger: .manual)
            let records = try await AgentRecordsRepository(database: db).trackRecords()
            let overall = try #require(records.record(for: .consensusAnomaly, sport: nil, market: nil))
            #expect(overall.bets == 1)
            #expect(abs(overall.roi - 4.6) < 1e-9)
            #expect(records.record(for: .steam, sport: nil, market: nil) == nil)
            #expect(records.records[TrackRecordKey(agent: .sharpValue, sport: "soccer_epl", market: .h2h)]?.bets == 1)

            // A new match with the same prices: A and B now vote with their measured weights.
            try await db.query("UPDATE events SET status = 'finished'")
            _ = try await OpportunitiesTests.seed(app, startsIn: 24, home: "Spurs", away: "Fulham", externalID: "opp-2")
            let detector = OpportunityDetector(database: db, logger: TestEnvironment.logger)
            #expect(try await detector.detect(now: Date()).active == 1)
            func weights() async throws -> [String: Double] {
                let text = try #require(try await db.query(
                    "SELECT votes::text FROM opportunities WHERE status = 'active'").first).decode(String.self)
                let votes = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: votes.compactMap { vote in
                    (vote["agent"] as? String).map { ($0, vote["weight"] as? Double ?? -1) }
                })
            }
            let weighted = try await weights()
            #expect(abs((weighted["consensus_anomaly"] ?? 0) - 1.06262) < 0.0001)
            #expect(weighted["steam"] == 1)

            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            #expect(try await client.postJSON("/v1/admin/agents/track_record", #"{"enabled":false}"#, token: admin, method: .patch).status == .ok)
            _ = try await detector.detect(now: Date())
            #expect(try await weights().values.allSatisfy { $0 == 1 })
        }
    }
}
