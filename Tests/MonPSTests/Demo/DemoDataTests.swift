import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// The quick start's demo data: the generator (pure, per UTC day) and `monps seed-demo` against a real database.
@Suite("Demo data", .hangGuard)
struct DemoDataTests {
    @Test func demoSeedIsIdempotentAndItsLoginWorks() async throws {
        let url = try await TestDatabases.shared.makeMigrated()
        let config = try TestEnvironment.config(database: url)
        // One instant for both seeds: prices are generated per time step up to `now`.
        let now = Date()
        let first = try await MonPSCommands.seedDemo(config: config, logger: TestEnvironment.logger, now: { now })
        #expect(first.contains("created demo@monps.local, admin@monps.local"))
        #expect(first.contains("48 active sports in 6 groups"))
        let second = try await MonPSCommands.seedDemo(config: config, logger: TestEnvironment.logger, now: { now })
        #expect(second.contains("accounts: already present"))
        #expect(first.contains("demo odds: 261 events (261 new)"))
        #expect(second.contains("demo odds: 261 events (0 new), 0 new prices, 0 new results"))
        #expect(first.contains("demo bets: ") && first.contains(" placed ("))
        #expect(second.contains("demo bets: already present"))
        #expect(first.contains("backtest: the consensus over the demo history"))
        #expect(second.contains("backtest: already there"))

        let app = try await TestApp.make(database: url)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let token = try await accounts.login(email: DemoSeeder.demoUser.email, password: DemoSeeder.demoUser.password)
            #expect(try await client.get("/v1/me", token: token).json()["role"] as? String == "user")
            let admin = try await accounts.login(email: DemoSeeder.demoAdmin.email, password: DemoSeeder.demoAdmin.password)
            #expect(try await client.get("/v1/admin/users", token: admin).status == .ok)
            // Upcoming demo events come with current prices from six bookmakers, Pinnacle among them.
            let upcoming = try await client.get("/v1/events?status=scheduled&sport=soccer_epl&limit=1", token: token).json()
            let event = try #require((upcoming["data"] as? [[String: Any]])?.first)
            let id = try #require(event["id"] as? Int)
            let odds = try await client.get("/v1/events/\(id)/odds?market=h2h", token: token).json()
            let latest = try #require(odds["latest"] as? [[String: Any]])
            #expect(Set(latest.compactMap { $0["bookmaker"] as? String }).count == 6)
            #expect((odds["best"] as? [[String: Any]])?.count == 3)
            // Detection found the demo's slow h2h prices (the pure test below checks 60 days of them).
            let h2h = try await client.get("/v1/opportunities?market=h2h&limit=100", token: token).json()
            let listed = (h2h["data"] as? [[String: Any]] ?? []).filter { ["home", "away"].contains($0["outcome"] as? String) }
            #expect(listed.count >= 3)
            // The demo bettor has a P&L: settled bets with CLV, and five open bets of 25.00 on coming events.
            let summary = try await client.get("/v1/bets/summary?range=all&currency=EUR", token: token)
            #expect(summary.status == .ok)
            let figures = try summary.json()
            #expect((figures["settled"] as? Int ?? 0) > 0)
            #expect(figures["pending"] as? Int == 5)
            #expect(figures["average_clv"] is Double)
            // And a finished consensus backtest over the demo history, with its curve.
            let backtests = try await client.get("/v1/backtests", token: token).json()
            let backtest = try #require((backtests["data"] as? [[String: Any]])?.first)
            #expect(backtest["status"] as? String == "succeeded")
            let detail = try await client.get("/v1/backtests/\(backtest["id"] as? String ?? "")", token: token).json()
            #expect(((detail["summary"] as? [String: Any])?["events"] as? Int ?? 0) > 0)
            let bets = (detail["summary"] as? [String: Any])?["bets"] as? Int ?? 0
            #expect(((detail["equity_curve"] as? [Any])?.isEmpty ?? true) == (bets == 0))
            #expect(detail["bets_total"] as? Int ?? -1 >= bets)
        }
    }

    @Test func demoOddsAreDeterministicAndWellFormed() {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let events = DemoOdds.events(now: now)
        #expect(events == DemoOdds.events(now: now))
        #expect(events.count == 29 * 9)
        #expect(Set(events.map(\.externalID)).count == events.count)
        for event in events {
            #expect(event.snapshots.allSatisfy { $0.price > 1 && $0.capturedAt <= now && $0.capturedAt < event.startsAt })
            if event.startsAt > now { #expect(event.result == nil) }
            if event.startsAt.addingTimeInterval(3 * 3600) < now { #expect(event.result != nil) }
            let outcomes = Set(event.snapshots.filter { $0.market == .h2h }.map(\.outcome))
            #expect(outcomes.isEmpty || outcomes == (event.sportKey == "soccer_epl" ? [.home, .draw, .away] : [.home, .away]))
        }
    }

    /// The demo's h2h value is there every day at every hour, not only on lucky days: the sharp-value agent finds
    /// home or away value on several upcoming events at every hour of the day over 60 days (an e2e test failed on a day whose
    /// upcoming events had only totals opportunities).
    @Test func demoOddsOfferH2HValueEveryDay() {
        let agent = SharpValueAgent()
        let start = Date(timeIntervalSince1970: 1_796_601_600)  // 2026-12-07 00:00 UTC
        // Every 5 hours for 60 days: each hour of the day, on 12 different days.
        for step in 0..<(60 * 24 / 5) {
            let now = start.addingTimeInterval(Double(step) * 5 * 3600 + 9 * 60)
            var selections = Set<String>()
            for event in DemoOdds.events(now: now) where event.startsAt > now {
                let outcomes = event.sportKey == "soccer_epl" ? ["home", "draw", "away"] : ["home", "away"]
                let latest = Dictionary(
                    event.snapshots.filter { $0.market == .h2h }.map { ("\($0.bookmakerKey) \($0.outcome)", $0) },
                    uniquingKeysWith: { $0.capturedAt >= $1.capturedAt ? $0 : $1 })
                let quotes = Set(latest.values.map(\.bookmakerKey)).map { book in
                    BookmakerQuote(bookmaker: book, prices: outcomes.map { outcome in
                        latest["\(book) \(outcome)"].map { PricePoint($0.price, at: $0.capturedAt) }
                    })
                }
                guard !quotes.isEmpty else { continue }
                let snapshot = MarketSnapshot(eventID: 1, outcomes: outcomes, startsAt: event.startsAt, quotes: quotes)
                for signal in agent.signals(for: snapshot, at: now) where signal.outcome != "draw" {
                    selections.insert("\(event.externalID) \(signal.outcome)")
                }
            }
            #expect(selections.count >= 3, "h2h home/away value at \(now): \(selections.sorted())")
        }
    }
}
