import Foundation
import MonPSCore
import Testing
@testable import MonPS

@Suite("Ingestion: SBR odds-archive parser", .hangGuard)
struct SBRParserTests {
    @Test func seasonsFromFileNames() {
        typealias Season = SBRParser.Season
        #expect(SBRParser.season(fromFileName: "nhl_odds_2019-20.csv", sport: .nhl) == Season(startYear: 2019, spansTwoYears: true))
        #expect(SBRParser.season(fromFileName: "x/nba odds 2015-2016.csv", sport: .nba) == Season(startYear: 2015, spansTwoYears: true))
        #expect(SBRParser.season(fromFileName: "mlb_odds_2014.csv", sport: .mlb) == Season(startYear: 2014, spansTwoYears: false))
        #expect(SBRParser.season(fromFileName: "nhl odds 2021.csv", sport: .nhl) == Season(startYear: 2020, spansTwoYears: true))
        #expect(SBRParser.season(fromFileName: "odds.csv", sport: .nhl) == nil)
        #expect(throws: ImportFileError.self) {
            try SBRParser(sport: .nhl).parse(IngestionFixtures.bytes("Date,VH,Team\n"), fileName: "odds.csv")
        }
    }

    @Test func seasonCalendarWrapsOnceIntoTheSecondYear() {
        var calendar = SeasonCalendar(season: .init(startYear: 2019, spansTwoYears: true))
        #expect([10, 12, 1, 3, 8, 9].map { calendar.year(month: $0) } == [2019, 2019, 2020, 2020, 2020, 2020])
        var startsInJanuary = SeasonCalendar(season: .init(startYear: 2020, spansTwoYears: true))
        #expect([1, 5, 7].map { startsInJanuary.year(month: $0) } == [2021, 2021, 2021])
    }

    @Test func fixturePairsRowsAndCrossesTheNewYear() throws {
        let parsed = try SBRParser(sport: .nhl).parse(
            try IngestionFixtures.fixture("nhl_odds_2019-20_fixture.csv"), fileName: "nhl_odds_2019-20_fixture.csv")
        #expect(parsed.rowCount == 5)
        #expect(parsed.events.map(\.externalID) == ["NHL:2019-12-31:Boston@Buffalo", "NHL:2020-01-02:Chicago@Detroit"])
        #expect(parsed.issues.map(\.line) == [4])  // lone Dallas row
        #expect(parsed.issues.first?.effect == .rowSkipped)
        let boston = parsed.events[0]
        // 19:00 EST = 00:00 UTC next day.
        #expect(boston.startsAt == IngestionFixtures.utc("2020-01-01T00:00:00Z"))
        #expect(boston.result == ImportedResult(
            homeScore: 2, awayScore: 3, regulationHome: 2, regulationAway: 2,
            periodScores: [[0, 1], [1, 0], [1, 1]], status: .finished, winner: .away))
        #expect(boston.snapshots.count == 10)
        let over = try #require(boston.price("sbr", .totals, .over, closing: true))
        let expectedOver = try Odds.decimal(fromAmerican: -120)  // CloseOU price −120 → 1.8333…
        #expect(over.point == 5.5 && over.price == expectedOver)
        #expect(boston.price("sbr", .spreads, .away, closing: false)?.point == -1.5)
    }

    @Test func nbaLinesWithoutPricesBecomeQuotedLines() throws {
        let text = """
        Date,Rot,VH,Team,1st,2nd,3rd,4th,Final,Open,Close,ML,2H\r
        1027,501,V,Cleveland,17,23,28,27,95,197.5,198.5,160,97\r
        1027,502,H,Chicago,26,20,25,26,97,2,4,-180,pk\r
        1028,503,V,Detroit,25,23,34,24,106,pk,196.5,255,98\r
        1028,504,H,Atlanta,25,18,23,28,94,197,1,-320,7\r

        """
        let parsed = try SBRParser(sport: .nba).parse(IngestionFixtures.bytes(text), fileName: "nba_odds_2015-16.csv")
        #expect(parsed.issues.isEmpty)
        let game = try #require(parsed.events.first)
        // ML 160 → 2.60 (away), −180 → 1 + 100/180 (home); no open/close split.
        #expect(game.snapshots.count == 2 && game.snapshots.allSatisfy { !$0.isClosing })
        #expect(game.price("sbr", .h2h, .away, closing: false)?.price == 2.6)
        #expect(game.price("sbr", .h2h, .home, closing: false)?.price == 1 + 100.0 / 180)
        // Open: total 197.5, Chicago −2; Close: total 198.5, Chicago −4.
        let openSpread = game.quotedLines.first { $0.market == .spreads && $0.outcome == .home && !$0.isClosing }
        #expect(openSpread?.point == -2)
        let closeTotal = game.quotedLines.first { $0.market == .totals && $0.outcome == .over && $0.isClosing }
        #expect(closeTotal?.point == 198.5)
        #expect(game.result?.regulationHome == 97 && game.result?.regulationAway == 95)
        // Second game: pick'em at the open (spread 0), Atlanta −1 at the close.
        let second = parsed.events[1]
        #expect(second.quotedLines.filter { $0.market == .spreads && !$0.isClosing }.map(\.point) == [0, 0])
        #expect(second.quotedLines.first { $0.market == .totals && !$0.isClosing }?.point == 197)
        #expect(second.quotedLines.first { $0.market == .spreads && $0.outcome == .home && $0.isClosing }?.point == -1)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func nhlOvertimeGameClosingMoneylineAndRegulationScore() throws {
        // nhl_odds_2019-20.csv lines 1480/1481, date 117:
        // V Anaheim 1,0,0 Final 2 Open 202 Close 195 / H Carolina 1,0,0 Final 1 Open −244 Close −215.
        let parsed = try IngestionFixtures.parseData("nhl", "nhl_odds_2019-20.csv")
        let game = try #require(parsed.events.first { $0.sourceLine == 1480 })
        #expect(game.externalID == "NHL:2020-01-17:Anaheim@Carolina")
        #expect(game.startsAt == IngestionFixtures.utc("2020-01-18T00:00:00Z"))
        // Close +195 → 2.95; −215 → 1 + 100/215 = 1.4651…
        #expect(game.price("sbr", .h2h, .away, closing: true)?.price == 2.95)
        let home = try #require(game.price("sbr", .h2h, .home, closing: true))
        #expect(abs(home.price - 1.465116279) < 1e-9)
        #expect(game.price("sbr", .h2h, .away, closing: false)?.price == 3.02)  // Open +202
        #expect(game.result == ImportedResult(
            homeScore: 1, awayScore: 2, regulationHome: 1, regulationAway: 1,
            periodScores: [[1, 1], [0, 0], [0, 0]], status: .finished, winner: .away))
        // First and last dates of the season: 1002 → 2019-10-02, bubble final 928 → 2020-09-28 (N/N).
        #expect(parsed.events.first?.externalID == "NHL:2019-10-02:Ottawa@Toronto")
        let final = try #require(parsed.events.last)
        #expect(final.externalID == "NHL:2020-09-28:TampaBay@Dallas")
        #expect(final.result?.winner == .away)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func mlbSeasonYearAppliesFromMarchToNovember() throws {
        // mlb_odds_2014.csv starts 322 (Sydney series) → 2014-03-22;
        // mlb_odds_2015.csv ends 1101 (World Series game 5) → 2015-11-01: one calendar year, no wrap.
        let y2014 = try IngestionFixtures.parseData("mlb", "mlb_odds_2014.csv")
        #expect(y2014.events.first?.externalID == "MLB:2014-03-22:LOS@ARI")
        #expect(y2014.events.first?.startsAt == IngestionFixtures.utc("2014-03-22T23:00:00Z"))  // 19:00 EDT
        let y2015 = try IngestionFixtures.parseData("mlb", "mlb_odds_2015.csv")
        let last = try #require(y2015.events.last)
        #expect(last.externalID == "MLB:2015-11-01:KAN@NYM")
        #expect(last.startsAt == IngestionFixtures.utc("2015-11-02T00:00:00Z"))  // 19:00 EST (DST ended 1 Nov)
        // Final 7-2 after 12 innings; the nine innings sum to 2-2, so no regulation score is claimed.
        #expect(last.result?.homeScore == 2 && last.result?.awayScore == 7 && last.result?.winner == .away)
        #expect(last.result?.regulationHome == nil)
        #expect(last.result?.periodScores?.count == 9)
        #expect(last.price("sbr", .h2h, .away, closing: true)?.price == 2.35)  // Close +135
        #expect(last.price("sbr", .spreads, .away, closing: false)?.point == 1.5)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func sourceErrorsAreReportedNotRepaired() throws {
        let nhl = try IngestionFixtures.parseData("nhl", "nhl_odds_2020-21.csv")
        // Lines 4/5: Montreal@Toronto periods 4-4 but Final 0/1 → no result, prices kept.
        let mtl = try #require(nhl.events.first { $0.sourceLine == 4 })
        #expect(mtl.result == nil && mtl.snapshots.count == 10)
        // Lines 686/687: Vancouver Final "F", periods 1-5 → final taken from the periods, flagged.
        let van = try #require(nhl.events.first { $0.sourceLine == 686 })
        #expect(van.result?.homeScore == 5 && van.result?.awayScore == 1)
        #expect(nhl.issues.contains { $0.line == 687 && $0.effect == .warning })
        // Lines 564/565: Open "-" on both rows → the two opening prices skipped.
        #expect(nhl.issues.filter { $0.line == 564 || $0.line == 565 }.count == 2)
        let mlb = try IngestionFixtures.parseData("mlb", "mlb_odds_2016.csv")
        let notPlayed = try #require(mlb.events.first { $0.sourceLine == 1702 })  // Final "NL"
        #expect(notPlayed.result == nil && !notPlayed.snapshots.isEmpty)
    }
}
