import Foundation
import PostgresNIO
import Testing
import MonPSCore
@testable import MonPS

/// An event loaded after its start keeps its newest prices in `closing_odds` only; `current_odds` (and the read
/// API) still gives the newest stored price of every line.
@Suite("Ingestion: current prices of started events (latest_odds falls back to closing_odds)", .hangGuard)
struct CurrentOddsTests {
    static let lines = 10  // pinnacle h2h 3 + bet365 h2h 3 + totals 2 + spreads 2 in SampleEvents.footballMatch

    private func pinnacleHome(_ table: String, _ database: Database, _ event: Int64) async throws -> [Double] {
        try await database.query(
            """
            SELECT t.price FROM \(unescaped: table) t JOIN bookmakers b ON b.id = t.bookmaker_id
            WHERE t.event_id = \(event) AND b.key = 'pinnacle' AND t.market = 'h2h' AND t.outcome = 'home'
            """
        ).map { try $0.decode(Double.self) }
    }

    @Test func startedEventReadsLatestFromClosingAndLaterLoadsMoveItForward() async throws {
        let app = try await TestApp.make()
        let database = app.services.database
        let loader = OddsLoader(database: database, logger: TestEnvironment.logger)
        try await app.services.withRunningDatabase {
            let first = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            let event = try #require(first.eventIDs.first)
            #expect(try await database.count("SELECT count(*) FROM latest_odds") == 0)
            #expect(try await database.count("SELECT count(*) FROM closing_odds") == Self.lines)
            #expect(try await database.count("SELECT count(*) FROM current_odds") == Self.lines)
            #expect(try await pinnacleHome("current_odds", database, event) == [1.95])
            let prices = try await PostgresEventRepository(database: database).prices(eventID: event, market: nil)
            #expect(prices.latest.count == Self.lines)
            #expect(prices.closing.count == Self.lines)
            let pinnacleLatest = prices.latest.first { (price: PriceRecord) in
                price.bookmaker == "pinnacle" && price.market == .h2h && price.outcome == .home
            }
            #expect(pinnacleLatest?.price == 1.95)

            // An in-play price arrives later (seen event: the SQL path); current moves, the closing line stays.
            var inPlay = SampleEvents.footballMatch()
            inPlay.snapshots = [SampleEvents.price("pinnacle", .h2h, .home, 1.50, at: SampleEvents.kickoff.addingTimeInterval(600))]
            _ = try await loader.load([inPlay], source: .file(.footballData))
            #expect(try await pinnacleHome("current_odds", database, event) == [1.50])
            #expect(try await pinnacleHome("closing_odds", database, event) == [1.95])

            // An older price arriving late changes neither.
            var stale = SampleEvents.footballMatch()
            stale.snapshots = [SampleEvents.price("pinnacle", .h2h, .home, 2.40, at: SampleEvents.kickoff.addingTimeInterval(-72 * 3600))]
            _ = try await loader.load([stale], source: .file(.footballData))
            #expect(try await pinnacleHome("current_odds", database, event) == [1.50])
            #expect(try await pinnacleHome("closing_odds", database, event) == [1.95])
            #expect(try await database.count("SELECT count(*) FROM current_odds") == Self.lines)
        }
    }

    @Test func startedEventWithAPriceAfterTheStartKeepsThatLineInLatest() async throws {
        let app = try await TestApp.make()
        let database = app.services.database
        let loader = OddsLoader(database: database, logger: TestEnvironment.logger)
        try await app.services.withRunningDatabase {
            var match = SampleEvents.footballMatch()
            match.snapshots.append(SampleEvents.price("bet365", .h2h, .draw, 2.90, at: SampleEvents.kickoff.addingTimeInterval(900)))
            let summary = try await loader.load([match], source: .file(.footballData))
            let event = try #require(summary.eventIDs.first)
            #expect(try await database.count("SELECT count(*) FROM latest_odds") == 1)
            #expect(try await database.count("SELECT count(*) FROM closing_odds") == Self.lines)
            let draw = try await database.query(
                """
                SELECT c.price, k.price FROM current_odds c JOIN closing_odds k USING (event_id, bookmaker_id, market, outcome)
                JOIN bookmakers b ON b.id = c.bookmaker_id
                WHERE c.event_id = \(event) AND b.key = 'bet365' AND c.market = 'h2h' AND c.outcome = 'draw'
                """
            ).map { try $0.decode((Double, Double).self) }
            #expect(draw.first?.0 == 2.90)  // current
            #expect(draw.first?.1 == 3.40)  // closing: the last price before the start
        }
    }

    @Test func upcomingEventKeepsEveryLineInLatest() async throws {
        let app = try await TestApp.make()
        let database = app.services.database
        let loader = OddsLoader(database: database, logger: TestEnvironment.logger)
        try await app.services.withRunningDatabase {
            let match = SampleEvents.footballMatch(startsAt: Date().addingTimeInterval(3 * 86_400), result: nil)
            _ = try await loader.load([match], source: .file(.footballData))
            #expect(try await database.count("SELECT count(*) FROM latest_odds") == Self.lines)
            #expect(try await database.count("SELECT count(*) FROM closing_odds") == 0)
            #expect(try await database.count("SELECT count(*) FROM current_odds") == Self.lines)
        }
    }

    @Test func planDeduplicatesAndSplitsLatestFromClosing() {
        var match = SampleEvents.footballMatch()
        match.snapshots.append(match.snapshots[0])  // the same price twice
        let upcoming = SampleEvents.footballMatch(startsAt: SampleEvents.kickoff.addingTimeInterval(40 * 86_400), externalID: "E0-2")
        let plan = PricePlan([match, upcoming], now: SampleEvents.kickoff.addingTimeInterval(86_400))
        #expect(plan.priceCount == 27)
        #expect(plan.series.count == 26)
        #expect(plan.closing.count == Self.lines)
        #expect(plan.closing.allSatisfy { $0.seq == 0 })
        #expect(plan.latest.count == Self.lines)
        #expect(plan.latest.allSatisfy { $0.seq == 1 })
        #expect(Set(plan.bookmakerKeys) == ["pinnacle", "bet365"])
        // November 2023 (kick-off) and December 2023 (40 days later; its early prices too).
        #expect(plan.monthSamples.count == 2)
        let tail = plan.series[0]
        let text = String(decoding: plan.tails[Int(tail.tailStart)..<Int(tail.tailStart) + Int(tail.tailLength)], as: UTF8.self)
        #expect(text == "h2h\thome\t\\N\t2.1\t2023-11-12 22:13:20+00")
    }
}
