import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Jobs: odds and scores collection, closing lines, the job API", .hangGuard)
struct CollectionJobTests {
    static let quota = (remaining: 480, used: 20, last: 9)

    /// An app whose Odds API is the fake server, with only soccer_epl and icehockey_nhl active.
    func app(port: Int?) async throws -> TestApp {
        var overrides: [String: String] = [:]
        if let port {
            overrides["MONPS_ODDS_API_URL"] = "http://127.0.0.1:\(port)"
            overrides["MONPS_ODDS_API_KEY"] = "test-key-123"
        }
        let app = try await TestApp.make(overrides: overrides)
        return app
    }

    func keepOnly(_ keys: [String], _ app: TestApp) async throws {
        try await app.services.database.query("UPDATE sports SET active = (key = ANY(\(keys)))")
    }

    @Test func collectsOddsIntoTheTimeSeriesAndRecordsTheRun() async throws {
        let server = OddsAPIFakeServer()
        server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (500, 0, 0)))
        server.stub("/v4/sports/soccer_epl/odds", .json(OddsAPIFixtures.odds, quota: Self.quota))
        server.stub("/v4/sports/icehockey_nhl/odds", .error(500, message: "upstream down"))
        try await server.run { port in
            let app = try await app(port: port)
            try await app.test { _ in
                try await keepOnly(["soccer_epl", "icehockey_nhl"], app)
                let run = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(run.status == .succeeded)
                #expect(run.creditsUsed == 9)
                // The NHL feed failed after its retries (EPL still loaded), and the exchange's prices without a
                // timestamp take the response time, over a year after the fixture's kick-off: refused.
                #expect(run.errors == 2, "\(run.message ?? "")")
                #expect(run.message?.contains("captured more than a year away from the start") == true)
                #expect(run.message?.contains("icehockey_nhl") == true)
                let database = app.services.database
                let stored = try await database.count("SELECT count(*) FROM odds_snapshots WHERE source = 'odds-api'")
                #expect(stored > 0)
                #expect(run.items == stored)
                #expect(try await database.count(
                    "SELECT count(*) FROM event_external_ids WHERE source = 'odds-api' AND external_id = 'e912304de2b2ce35b473ce2ecd3d1502'") == 1)
                let pinnacle = try await database.query(
                    """
                    SELECT l.price FROM current_odds l JOIN bookmakers b ON b.id = l.bookmaker_id
                    JOIN event_external_ids x ON x.event_id = l.event_id
                    WHERE x.external_id = 'e912304de2b2ce35b473ce2ecd3d1502' AND b.key = 'pinnacle'
                      AND l.market = 'h2h' AND l.outcome = 'home'
                    """)
                #expect(try pinnacle.first?.decode(Double.self) == 2.1)

                // A second run with unchanged prices adds nothing.
                let again = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(again.items == 0)
                #expect(try await database.count("SELECT count(*) FROM odds_snapshots") == stored)
                #expect(try await database.count("SELECT count(*) FROM job_runs WHERE job = 'odds.collect'") == 2)
                // The key never reaches the recorded runs.
                #expect(try await database.count("SELECT count(*) FROM job_runs WHERE message LIKE '%test-key-123%'") == 0)
            }
        }
    }

    @Test func usesTheAdminsKeyAndEachSportsFrequency() async throws {
        let server = OddsAPIFakeServer()
        server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (500, 0, 0)))
        server.stub("/v4/sports/soccer_epl/odds", .json(OddsAPIFixtures.odds, quota: Self.quota))
        try await server.run { port in
            let app = try await TestApp.make(overrides: [
                "MONPS_ODDS_API_URL": "http://127.0.0.1:\(port)", "MONPS_DATA_KEY": String(repeating: "cd", count: 32),
            ])
            try await app.test { client in
                try await keepOnly(["soccer_epl"], app)
                let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
                let stored = try await client.postJSON(
                    "/v1/admin/settings", #"{"odds_api_key":"stored-key-9876","odds_intervals":{"soccer_epl":3600}}"#,
                    token: admin, method: .put)
                #expect(stored.status == .ok)
                let run = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(run.status == .succeeded)
                #expect(server.received(path: "/v4/sports/soccer_epl/odds").map { $0.query["apiKey"] } == ["stored-key-9876"])
                // A scheduled run within the sport's hour collects nothing more.
                let scheduled = try await app.services.jobs.runNow("odds.collect", trigger: .schedule)
                #expect(scheduled.status == .succeeded)
                #expect(server.received(path: "/v4/sports/soccer_epl/odds").count == 1)
            }
        }
    }

    @Test func keepsTheReserveOfCredits() async throws {
        let server = OddsAPIFakeServer()
        server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (20, 480, 0)))
        server.stub("/v4/sports/soccer_epl/odds", .json(OddsAPIFixtures.odds, quota: Self.quota))
        try await server.run { port in
            let app = try await app(port: port)
            try await app.test { _ in
                try await keepOnly(["soccer_epl"], app)
                let run = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(run.creditsUsed == 0)
                #expect(run.message?.contains("reserve") == true || run.message?.contains("credits") == true)
                #expect(server.received(path: "/v4/sports/soccer_epl/odds").isEmpty)
            }
        }
    }

    @Test func collectsScoresAsResults() async throws {
        let server = OddsAPIFakeServer()
        server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (500, 0, 0)))
        server.stub("/v4/sports/soccer_epl/scores", .json(OddsAPIFixtures.scores, quota: (498, 2, 2)))
        try await server.run { port in
            let app = try await app(port: port)
            try await app.test { _ in
                try await keepOnly(["soccer_epl"], app)
                let run = try await app.services.jobs.runNow("scores.collect", trigger: .manual)
                #expect(run.status == .succeeded)
                #expect(run.creditsUsed == 2)
                let database = app.services.database
                // Completed with usable scores: home win, draw, away win.
                #expect(run.items == 3)
                #expect(try await database.count("SELECT count(*) FROM event_results") == 3)
                let arsenal = try await database.query(
                    """
                    SELECT r.home_score, r.away_score, r.winner, e.status FROM event_results r JOIN events e ON e.id = r.event_id
                    JOIN participants h ON h.id = e.home_id WHERE h.name = 'Arsenal'
                    """)
                let (home, away, winner, status) = try #require(arsenal.first).decode((Int, Int, String?, String).self)
                #expect(home == 2 && away == 1)
                #expect(winner == "home")
                #expect(status == "finished")
            }
        }
    }

    @Test func withoutAKeyCollectionIsSkipped() async throws {
        let app = try await app(port: nil)
        try await app.test { _ in
            let run = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
            #expect(run.status == .skipped)
            #expect(run.message?.contains("MONPS_ODDS_API_KEY") == true)
        }
    }

    /// The key travels in the query: a redirect must not carry it anywhere else.
    @Test func theOddsAPIClientFollowsNoRedirect() async throws {
        let server = OddsAPIFakeServer()
        try await server.run { port in
            server.stub("/v4/sports", .init(status: 302, headers: ["location": "http://127.0.0.1:\(port)/elsewhere"], body: ""))
            server.stub("/elsewhere", .json(OddsAPIFixtures.sports, quota: (500, 0, 0)))
            let app = try await app(port: port)
            try await app.test { _ in
                let run = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(run.status == .failed, "\(run.message ?? "")")
                #expect(server.received(path: "/v4/sports").count >= 1)
                #expect(server.received(path: "/elsewhere").isEmpty)
            }
        }
    }

    @Test func closingJobMarksStartedEventsOnlyOnce() async throws {
        let app = try await app(port: nil)
        try await app.test { _ in
            let database = app.services.database
            let loader = OddsLoader(database: database, logger: TestEnvironment.logger)
            let summary = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            let id = try #require(summary.eventIDs.first)
            // Forget what the import recorded, as for an event that started after its prices were collected.
            try await database.query("DELETE FROM closing_odds")
            try await database.query("UPDATE events SET closing_marked_at = NULL WHERE id = \(id)")
            let run = try await app.services.jobs.runNow("closing.mark", trigger: .manual)
            #expect(run.items == 10)
            #expect(run.message == "1 event(s) marked, 10 closing price(s) recorded")
            let again = try await app.services.jobs.runNow("closing.mark", trigger: .manual)
            #expect(again.items == 0)
        }
    }

    /// The job's lock is held on a connection of its own: with a pool of one, a lock taken from the pool
    /// would leave the job's own queries waiting for that pool for ever.
    @Test(.timeLimit(.minutes(2))) func jobsRunWhenTheirPoolHasASingleConnection() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_DB_POOL_SIZE": "1"])
        try await app.test { _ in
            let jobs = app.services.jobs
            let loader = OddsLoader(database: app.services.database, logger: TestEnvironment.logger)
            _ = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            try await app.services.database.query("DELETE FROM closing_odds")
            try await app.services.database.query("UPDATE events SET closing_marked_at = NULL")
            async let closing = jobs.runNow("closing.mark", trigger: .manual)
            async let settle = jobs.runNow("bets.settle", trigger: .manual)
            async let grade = jobs.runNow("opportunities.grade", trigger: .manual)
            let runs = try await [closing, settle, grade]
            #expect(runs.map(\.status) == [JobRunStatus.succeeded, .succeeded, .succeeded])
            #expect(runs[0].items == 10)
            // (closing.mark also starts clv.compute in the background: not counted here.)
            #expect(try await app.services.database.count(
                "SELECT count(*) FROM job_runs WHERE status = 'succeeded' AND job IN ('closing.mark', 'bets.settle', 'opportunities.grade')") == 3)
        }
    }

    @Test func jobAPIListsRunsTriggersAndRefusesConcurrentRuns() async throws {
        let app = try await app(port: nil)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let user = try await accounts.token(role: .user)
            let jobs = try await client.get("/v1/admin/jobs", token: admin)
            #expect(jobs.status == .ok)
            let names = (try jobs.json()["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["odds.collect", "scores.collect", "closing.mark", "bets.settle", "clv.compute", "opportunities.detect", "opportunities.grade", "backtests.run", "partitions.maintain", "notifications.kickoff", "notifications.digest", "notifications.prune", "accounts.prune"])

            let started = try await client.postJSON("/v1/admin/jobs/partitions.maintain/run", "", token: admin)
            #expect(started.status == .accepted)
            #expect(try started.json()["status"] as? String == "running")
            // Wait for the background run to end (no polling on the clock), then read it back.
            await app.services.jobs.drain()
            let runs = try await client.get("/v1/admin/jobs/runs?job=partitions.maintain", token: admin).json()
            #expect(((runs["data"] as? [[String: Any]])?.first?["status"] as? String) == "succeeded")

            // Another instance holds the job's lock: the API says 409.
            let key = JobRunner.lockKey("closing.mark")
            try await app.services.database.client.withConnection { connection in
                _ = try await connection.query("SELECT pg_advisory_lock(\(key))", logger: TestEnvironment.logger).collect()
                let busy = try await client.postJSON("/v1/admin/jobs/closing.mark/run", "", token: admin)
                #expect(busy.status == .conflict)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: TestEnvironment.logger).collect()
            }
            #expect(try await client.postJSON("/v1/admin/jobs/nope/run", "", token: admin).status == .notFound)
            #expect(try await client.postJSON("/v1/admin/jobs/closing.mark/run", "", token: user).status == .forbidden)
            #expect(try await client.get("/v1/admin/jobs/runs?cursor=zzz", token: admin).status == .badRequest)
            #expect(try await app.services.database.count("SELECT count(*) FROM audit_log WHERE action = 'job.run'") == 1)
        }
    }
}
