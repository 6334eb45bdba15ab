import Foundation
import MonPSCore
import PostgresNIO
import Testing
@testable import MonPS

@Suite(
    "Ingestion: the whole shared historical data set into PostgreSQL",
    .enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"),
    .hangGuard)
struct CorpusImportTests {
    static func importFile(_ folder: String) -> (ImportSource, SBRParser.Sport?) {
        switch folder {
        case "football": (.footballData, nil)
        case "tennis": (.tennisData, nil)
        case "nhl": (.sbr, .nhl)
        case "mlb": (.sbr, .mlb)
        default: (.sbr, .nba)
        }
    }

    @Test func importsEveryFileWithExactCountsAndIsIdempotent() async throws {
        let app = try await TestApp.make()
        let database = app.services.database
        let importer = HistoricalImporter(loader: OddsLoader(database: database, logger: TestEnvironment.logger))
        let expectations = HistoricalDataCorpusTests.expectations
        let files = try expectations.map { expected in
            let (source, sport) = Self.importFile(expected.folder)
            return ImportFile(
                source: source, name: expected.file, bytes: try IngestionFixtures.dataFile(expected.folder, expected.file),
                sbrSport: sport)
        }
        try await app.services.withRunningDatabase {
            let reports = try await importer.run(files, strict: false)
            #expect(reports.count == expectations.count)
            for (report, expected) in zip(reports, expectations) {
                // Every parsed event is stored (none refused by the loader) and every parsed price is either
                // added or already known (the same price twice in one file).
                #expect(report.load.rejected.isEmpty, "\(expected.file): \(report.load.rejected.prefix(3))")
                #expect(report.load.eventsCreated + report.load.eventsMatched == expected.events, "\(expected.file)")
                #expect(report.load.snapshotsAdded + report.load.snapshotsKnown == expected.snapshots, "\(expected.file)")
                #expect(report.rowsRead == expected.rows, "\(expected.file)")
                #expect(report.load.importRunID != nil)
            }
            let totalEvents = expectations.reduce(0) { $0 + $1.events }
            let added = reports.reduce(0) { $0 + $1.load.snapshotsAdded }
            #expect(try await database.count("SELECT count(*) FROM events") == totalEvents)
            #expect(try await database.count("SELECT count(*) FROM odds_snapshots") == added)
            #expect(try await database.count("SELECT count(*) FROM import_runs") == expectations.count)

            // Current and closing prices are exactly the series' newest price per line, and its newest at or
            // before the start (the loader computes them in Swift and writes most current prices to closing_odds).
            #expect(try await database.count(
                """
                WITH newest AS (
                    SELECT DISTINCT ON (event_id, market, outcome, bookmaker_id)
                        event_id, bookmaker_id, market, outcome, point, price, captured_at
                    FROM odds_snapshots ORDER BY event_id, market, outcome, bookmaker_id, captured_at DESC, point
                ), closing AS (
                    SELECT DISTINCT ON (s.event_id, s.market, s.outcome, s.bookmaker_id)
                        s.event_id, s.bookmaker_id, s.market, s.outcome, s.point, s.price, s.captured_at
                    FROM odds_snapshots s JOIN events e ON e.id = s.event_id
                    WHERE s.captured_at <= e.starts_at AND e.starts_at <= now()
                    ORDER BY s.event_id, s.market, s.outcome, s.bookmaker_id, s.captured_at DESC, s.point
                )
                SELECT (SELECT count(*) FROM (SELECT * FROM newest EXCEPT ALL SELECT * FROM current_odds) missing)
                     + (SELECT count(*) FROM (SELECT * FROM current_odds EXCEPT ALL SELECT * FROM newest) extra)
                     + (SELECT count(*) FROM (SELECT * FROM closing EXCEPT ALL SELECT * FROM closing_odds) missing)
                     + (SELECT count(*) FROM (SELECT * FROM closing_odds EXCEPT ALL SELECT * FROM closing) extra)
                """) == 0)

            // Pinnacle's closing prices of Liverpool v Norwich, 9 Aug 2019 (PSCH 1.14, PSCA 19.63), result 4-1.
            let liverpool = try await database.query(
                """
                SELECT c.outcome, c.price, r.home_score, r.away_score, e.status
                FROM events e JOIN participants h ON h.id = e.home_id JOIN participants a ON a.id = e.away_id
                JOIN closing_odds c ON c.event_id = e.id JOIN bookmakers b ON b.id = c.bookmaker_id
                JOIN event_results r ON r.event_id = e.id
                WHERE h.name = 'Liverpool' AND a.name = 'Norwich' AND e.starts_at::date = '2019-08-09'
                  AND b.key = 'pinnacle' AND c.market = 'h2h' ORDER BY c.outcome
                """)
            let closing = try liverpool.map { try $0.decode((String, Double, Int, Int, String).self) }
            #expect(closing.map(\.0) == ["away", "draw", "home"])
            #expect(closing.map(\.1) == [19.63, 10.43, 1.14])
            #expect(closing.first.map { [$0.2, $0.3] } == [4, 1])
            #expect(closing.first?.4 == "finished")

            // Harrison v Istomin, Brisbane 2018 quarter-final: Istomin retired.
            let retirement = try await database.query(
                """
                SELECT r.outcome, r.winner, h.name FROM events e JOIN event_results r ON r.event_id = e.id
                JOIN participants h ON h.id = e.home_id JOIN participants a ON a.id = e.away_id
                WHERE h.name = 'Harrison R.' AND a.name = 'Istomin D.' AND e.sport_key = 'tennis_atp'
                """)
            let (outcome, winner, home) = try #require(retirement.first).decode((String, String?, String).self)
            #expect(outcome == "retired")
            #expect(winner == "home")
            #expect(home == "Harrison R.")

            // Ottawa at Toronto, 2 Oct 2019: closing moneylines −310 (home) and +270 (away).
            let nhl = try await database.query(
                """
                SELECT c.outcome, c.price FROM events e JOIN participants h ON h.id = e.home_id
                JOIN closing_odds c ON c.event_id = e.id
                WHERE e.sport_key = 'icehockey_nhl' AND h.name = 'Toronto' AND e.starts_at::date BETWEEN '2019-10-02' AND '2019-10-03'
                  AND c.market = 'h2h' ORDER BY c.outcome
                """)
            let moneyline = try nhl.map { try $0.decode((String, Double).self) }
            #expect(moneyline.map(\.0) == ["away", "home"])
            #expect(abs(moneyline[0].1 - 3.70) < 1e-9)
            #expect(abs(moneyline[1].1 - (1 + 100.0 / 310.0)) < 1e-9)

            // Re-importing the football folder adds nothing.
            let again = try await importer.run(files.filter { $0.source == .footballData }, strict: false)
            #expect(again.allSatisfy { $0.load.snapshotsAdded == 0 && $0.load.eventsCreated == 0 && $0.load.resultsStored == 0 })
            #expect(try await database.count("SELECT count(*) FROM odds_snapshots") == added)

            // Agent B over the stored football replays the very bets `monps backtest` finds in the files.
            let parameters = BacktestParameters(
                strategy: "sharp_value", sport: "soccer", staking: .flat(100), bankroll: 100_000,
                seed: BacktestParameters.defaultSeed)
            let stored = try await BacktestJob.replay(parameters, history: StoredHistory(database: database))
            let football = try files.filter { $0.source == .footballData }.flatMap { try HistoricalImporter.parse($0).events }
            let fromFiles = try Backtest.run(
                HistoricalMarkets.map(football, options: HistoricalMarketOptions(sport: "soccer")).markets,
                strategy: try #require(parameters.replay()).strategy,
                configuration: BacktestConfiguration(startingBankroll: 100_000, staking: .flat(100)))
            #expect(fromFiles.betCount > 1_000)
            #expect(stored.summary.data.events == 8_030)
            #expect(stored.summary.figures.bets == fromFiles.betCount)
            #expect(stored.summary.figures.stakedMinor == fromFiles.staked)
            #expect(stored.summary.figures.profitMinor == fromFiles.profit)
            // Kick-off ties are ordered by file id in one, by stored id in the other: the same bets, maybe swapped.
            #expect(stored.bets.map(\.bet.decimalOdds).sorted() == fromFiles.bets.map(\.decimalOdds).sorted())
        }
    }
}
