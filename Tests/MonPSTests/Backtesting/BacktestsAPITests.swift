import Foundation
import HTTPTypes
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

@Suite("Backtests over stored data: POST/GET /v1/backtests and the backtests.run job", .hangGuard)
struct BacktestsAPITests {
    /// Loads the hand-made football-data file (three EPL matches, two with results) into the database.
    static func loadFixture(_ app: TestApp) async throws -> [Int64] {
        let parsed = try BacktestFixtures.parsed()
        return try await app.services.loader.load(parsed.events, source: .file(.footballData)).eventIDs
    }

    /// The same file replayed by the core, as `monps backtest` would.
    static func fileReport(_ strategy: String) throws -> BacktestReport {
        let parameters = BacktestParameters(
            strategy: strategy, staking: .flat(100), bankroll: 100_000, seed: BacktestParameters.defaultSeed)
        let replay = try #require(parameters.replay())
        let set = HistoricalMarkets.map(try BacktestFixtures.parsed().events)
        return try Backtest.run(
            set.markets, strategy: replay.strategy,
            configuration: BacktestConfiguration(startingBankroll: 100_000, staking: .flat(100)))
    }

    @Test(arguments: ["consensus_anomaly", "sharp_value", "consensus"])
    func storedBacktestReplaysWhatTheFileBacktestDoes(strategy: String) async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            _ = try await Self.loadFixture(app)
            let token = try await TestAccounts(app: app, client: client).token(role: .user)
            let created = try await client.postJSON(
                "/v1/backtests", #"{"strategy":"\#(strategy)","staking":"flat:100","bankroll":100000}"#, token: token)
            #expect(created.status == .accepted)
            let queued = try created.json()
            let id = try #require(queued["id"] as? String)
            #expect(["queued", "running", "succeeded"].contains(queued["status"] as? String ?? ""))
            _ = try? await app.services.jobs.runNow("backtests.run", trigger: .manual)
            await app.services.jobs.drain()

            let body = try await client.get("/v1/backtests/\(id)", token: token).json()
            #expect(body["status"] as? String == "succeeded")
            let summary = try #require(body["summary"] as? [String: Any])
            let expected = try Self.fileReport(strategy)
            #expect(expected.betCount > 0)
            #expect(summary["bets"] as? Int == expected.betCount)
            #expect(summary["staked"] as? Int == Int(expected.staked))
            #expect(summary["profit"] as? Int == Int(expected.profit))
            #expect(summary["final_bankroll"] as? Int == Int(expected.finalBankroll))
            #expect(summary["events"] as? Int == 2)  // Chelsea–Leicester has no result
            let bets = try #require(body["bets"] as? [[String: Any]])
            #expect(body["bets_total"] as? Int == expected.bets.count)
            #expect(bets.map { $0["odds"] as? Double } == expected.bets.map(\.decimalOdds))
            #expect(bets.map { $0["bookmaker"] as? String } == expected.bets.map(\.bookmaker))
            // JSON round trip: equal to the last bits of a double.
            #expect(zip(bets.map { $0["clv"] as? Double ?? .nan }, expected.bets.map { $0.clv ?? .nan }).allSatisfy { abs($0 - $1) < 1e-12 })
            // Bets name the stored events.
            let stored = try await app.services.database.query(
                "SELECT e.id FROM events e JOIN participants p ON p.id = e.home_id WHERE p.name = 'Arsenal'")
            let arsenal = try #require(stored.first).decode(Int64.self)
            if strategy == "consensus_anomaly" {
                #expect(bets.first?["event_id"] as? Int == Int(arsenal))
                // Agent A bets football-data's best price over all books, as Kaunitz et al. did.
                #expect(bets.first?["bookmaker"] as? String == "market_max")
                #expect(bets.first?["odds"] as? Double == 2.40)
            }
            let curve = try #require(body["equity_curve"] as? [[String: Any]])
            #expect(curve.first?["bankroll"] as? Int == 100_000)
            #expect(curve.last?["bankroll"] as? Int == Int(expected.finalBankroll))
            #expect(try await app.services.database.count("SELECT count(*) FROM backtest_bets") == expected.bets.count)

            let page = try await client.get("/v1/backtests/\(id)?bets_limit=0", token: token).json()
            #expect((page["bets"] as? [Any])?.isEmpty == true)
            #expect(page["bets_total"] as? Int == expected.bets.count)
        }
    }

    @Test func validationOwnershipAndTheWaitingLimit() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let user = try await accounts.token(role: .user)
            let other = try await accounts.token(role: .user, email: "other@example.com")
            let viewer = try await accounts.token(role: .viewer)
            let admin = try await accounts.token(role: .admin)
            // The wrong shape is a 400; values the contract's constraints refuse, a 422.
            for (bad, status) in [
                (#"{"strategy":"luck"}"#, HTTPResponse.Status.badRequest), (#"{"strategy":"steam","staking":"martingale"}"#, .unprocessableContent),
                (#"{"strategy":"steam","bankroll":0}"#, .unprocessableContent),
                (#"{"strategy":"steam","sport":"Soccer EPL"}"#, .unprocessableContent), (#"{"strategy":"steam","extra":1}"#, .badRequest),
                ("{", .badRequest),
            ] {
                let response = try await client.postJSON("/v1/backtests", bad, token: user)
                #expect(response.status == status, "\(bad)")
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            }
            #expect(try await client.postJSON("/v1/backtests", #"{"strategy":"steam"}"#, token: viewer).status == .forbidden)
            #expect(try await client.postJSON("/v1/backtests", #"{"strategy":"steam"}"#).status == .unauthorized)

            // Nothing runs here (the job is not started by the scheduler in tests and runNow is not called), so they wait.
            var ids: [String] = []
            for _ in 0..<3 {
                let created = try await client.postJSON("/v1/backtests", #"{"strategy":"steam","sport":"soccer"}"#, token: user)
                #expect(created.status == .accepted)
                ids.append(try #require(try created.json()["id"] as? String))
            }
            await app.services.jobs.drain()
            try await app.services.database.query("UPDATE backtests SET status = 'queued'")
            let fourth = try await client.postJSON("/v1/backtests", #"{"strategy":"steam"}"#, token: user)
            #expect(fourth.status == .conflict)
            #expect(try await client.postJSON("/v1/backtests", #"{"strategy":"steam"}"#, token: other).status == .accepted)

            #expect(try await client.get("/v1/backtests/\(ids[0])", token: other).status == .notFound)
            #expect(try await client.get("/v1/backtests/\(ids[0])", token: admin).status == .ok)
            // An admin's API token without the `admin` scope is that admin's own reader, not an admin.
            let minted = try await client.postJSON(
                "/v1/tokens", #"{"name":"reader","scopes":["read:analytics"]}"#, token: admin)
            let adminReader = try #require(try minted.json()["secret"] as? String, "\(minted.status) \(minted.text)")
            #expect(try await client.get("/v1/backtests/\(ids[0])", token: adminReader).status == .notFound)
            #expect(try await client.get("/v1/backtests/not-a-uuid", token: user).status == .notFound)
            #expect(try await client.get("/v1/backtests/\(ids[0])?bets_limit=9999", token: user).status == .badRequest)
            let mine = try await client.get("/v1/backtests?limit=2", token: user).json()
            let first = try #require(mine["data"] as? [[String: Any]])
            #expect(first.count == 2)
            let cursor = try #require(mine["next_cursor"] as? String)
            let rest = try await client.get("/v1/backtests?limit=2&cursor=\(cursor)", token: user).json()
            let all = first + (try #require(rest["data"] as? [[String: Any]]))
            #expect(Set(all.compactMap { $0["id"] as? String }) == Set(ids))
            #expect(all.allSatisfy { $0["sport"] as? String == "soccer" && $0["staking"] as? String == "flat:100" })
        }
    }

    @Test func anInterruptedRunIsRetriedAndAnEmptyDatabaseGivesNoBets() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token(role: .user)
            let created = try await client.postJSON("/v1/backtests", #"{"strategy":"sharp_value"}"#, token: token)
            let id = try #require(try created.json()["id"] as? String)
            await app.services.jobs.drain()
            // As if the process died mid-run.
            try await app.services.database.query("UPDATE backtests SET status = 'running', attempts = 1, summary = NULL")
            _ = try? await app.services.jobs.runNow("backtests.run", trigger: .manual)
            let body = try await client.get("/v1/backtests/\(id)", token: token).json()
            #expect(body["status"] as? String == "succeeded")
            #expect(body["attempts"] as? Int == 2)
            #expect((body["summary"] as? [String: Any])?["bets"] as? Int == 0)

            try await app.services.database.query("UPDATE backtests SET status = 'running', attempts = 3")
            _ = try? await app.services.jobs.runNow("backtests.run", trigger: .manual)
            let failed = try await client.get("/v1/backtests/\(id)", token: token).json()
            #expect(failed["status"] as? String == "failed")
            #expect((failed["error"] as? String)?.contains("interrupted") == true)
        }
    }

    @Test func equityCurveOnePointPerSettlementTime() {
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        func bet(_ stake: Int64, _ payout: Int64, settled: TimeInterval) -> BacktestBet {
            BacktestBet(
                eventID: 1, market: .h2h, outcomeIndex: 0, outcome: "home", bookmaker: "b", decimalOdds: 2,
                fairProbability: 0.5, edge: 0.01, placedAt: t0, settledAt: t0.addingTimeInterval(settled), stake: stake,
                payout: payout, grade: payout > stake ? .won : .lost, clv: nil, agents: [], reasons: [])
        }
        let curve = EquityPoint.curve([bet(100, 200, settled: 20), bet(100, 0, settled: 10), bet(50, 100, settled: 20)], startingBankroll: 1_000)
        #expect(curve == [
            EquityPoint(at: t0, bankroll: 1_000), EquityPoint(at: t0.addingTimeInterval(10), bankroll: 900),
            EquityPoint(at: t0.addingTimeInterval(20), bankroll: 1_050),
        ])
        #expect(EquityPoint.curve([], startingBankroll: 1_000).isEmpty)
    }
}
