import Foundation
import Testing
@testable import MonPS

@Suite("Ingestion: football-data.co.uk parser", .hangGuard)
struct FootballDataParserTests {
    let parser = FootballDataParser()

    @Test func malformedValuesSkipOnlyWhatIsBroken() throws {
        let parsed = try parser.parse(try IngestionFixtures.fixture("football_malformed.csv"), fileName: "E0_fixture.csv")
        #expect(parsed.rowCount == 5)
        #expect(parsed.events.map(\.home) == ["Burnley", "Tottenham"])
        #expect(parsed.issues.map(\.line) == [2, 2, 3, 4, 6, 7, 7, 7])
        #expect(parsed.issues.map(\.effect) == [
            .valueSkipped, .valueSkipped, .rowSkipped, .rowSkipped, .rowSkipped, .warning, .valueSkipped, .valueSkipped,
        ])
        #expect(parsed.issues[0].reason.contains("B365H"))   // 1.0
        #expect(parsed.issues[1].reason.contains("'abc'"))   // B365D
        #expect(parsed.issues[2].reason.contains("31/02/2020"))
        #expect(parsed.issues[3].reason == "missing home team")

        let burnley = parsed.events[0]
        #expect(burnley.snapshots.count == 8)
        #expect(!burnley.snapshots.contains { $0.bookmakerKey == "bet365" && $0.market == "h2h" && $0.outcome != "away" })
        #expect(burnley.price("bet365", "h2h", "away", closing: false)?.price == 3.1)
        #expect(burnley.price("bet365", "spreads", "home", closing: false)?.point == -0.25)
        #expect(burnley.price("bet365", "spreads", "away", closing: false)?.point == 0.25)
        #expect(burnley.price("pinnacle", "h2h", "draw", closing: true)?.price == 3.3)
        #expect(burnley.result == ImportedResult(
            homeScore: 3, awayScore: 0, regulationHome: 3, regulationAway: 0, periodScores: [[0, 0]],
            status: "finished", winner: "home"))

        // Unreadable time → 15:00 UK (BST in August = 14:00 UTC); AH prices without a line dropped.
        let spurs = parsed.events[1]
        #expect(spurs.startsAt == IngestionFixtures.utc("2019-08-11T14:00:00Z"))
        #expect(spurs.snapshots.count == 8)
        #expect(!spurs.snapshots.contains { $0.market == "spreads" })
    }

    @Test func headerOnlyAndEmptyFiles() throws {
        let parsed = try parser.parse(try IngestionFixtures.fixture("football_header_only.csv"), fileName: "E0.csv")
        #expect(parsed.events.isEmpty && parsed.issues.isEmpty && parsed.rowCount == 0)
        #expect(throws: ImportFileError.self) {
            try parser.parse(try IngestionFixtures.fixture("empty.csv"), fileName: "E0.csv")
        }
        #expect(throws: ImportFileError.self) {
            try parser.parse(IngestionFixtures.bytes("sport_key,event_id\nx,y\n"), fileName: "E0.csv")
        }
    }

    @Test func unbalancedQuotesLoseOneRow() throws {
        let parsed = try parser.parse(try IngestionFixtures.fixture("football_unbalanced_quotes.csv"), fileName: "E0.csv")
        #expect(parsed.events.map(\.externalID) == [
            "E0:2019-08-17:Arsenal:Burnley", "E0:2019-08-17:Brighton, Hove:West \"Ham\"", "E0:2019-08-18:Man City:Everton",
        ])
        #expect(parsed.issues.map(\.line) == [4])
        // No Time column: 15:00 UK local.
        #expect(parsed.events[0].startsAt == IngestionFixtures.utc("2019-08-17T14:00:00Z"))
    }

    @Test func twoDigitYearsAndWinterKickOffs() {
        #expect(FootballDataParser.dayFirstDate("13/08/11")! == (2011, 8, 13))
        #expect(FootballDataParser.dayFirstDate("26/12/2011")! == (2011, 12, 26))
        #expect(FootballDataParser.dayFirstDate("29/02/2021") == nil)
        #expect(FootballDataParser.dayFirstDate("2021-02-01") == nil)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func liverpoolNorwich2019() throws {
        let parsed = try IngestionFixtures.parseData("football", "E0_2019-20.csv")
        let match = try #require(parsed.events.first)
        #expect(match.externalID == "E0:2019-08-09:Liverpool:Norwich")
        #expect(match.sportKey == "soccer_epl" && match.competition == "E0" && match.sourceLine == 2)
        #expect(match.startsAt == IngestionFixtures.utc("2019-08-09T19:00:00Z"))  // 20:00 BST
        // Early prices (no C): B365H 1.14, PSH 1.15; closing: PSCH 1.14, PSCD 10.43, PSCA 19.63.
        let b365 = try #require(match.price("bet365", "h2h", "home", closing: false))
        #expect(b365.price == 1.14 && b365.capturedAt == IngestionFixtures.utc("2019-08-07T19:00:00Z"))
        #expect(match.price("pinnacle", "h2h", "home", closing: false)?.price == 1.15)
        let psch = try #require(match.price("pinnacle", "h2h", "home", closing: true))
        #expect(psch.price == 1.14 && psch.capturedAt == IngestionFixtures.utc("2019-08-09T18:55:00Z"))
        #expect(match.price("pinnacle", "h2h", "draw", closing: true)?.price == 10.43)
        #expect(match.price("pinnacle", "h2h", "away", closing: true)?.price == 19.63)
        // Asian handicap AHh −2.25: B365AHH 1.96 (home −2.25), B365AHA 1.94 (away +2.25);
        // closing AHCh −2.25: PCAHH 1.94, PCAHA 1.98.
        let ahHome = try #require(match.price("bet365", "spreads", "home", closing: false))
        #expect(ahHome.point == -2.25 && ahHome.price == 1.96)
        let ahAway = try #require(match.price("bet365", "spreads", "away", closing: false))
        #expect(ahAway.point == 2.25 && ahAway.price == 1.94)
        #expect(match.price("pinnacle", "spreads", "away", closing: true)?.price == 1.98)
        // Totals: B365>2.5 1.4 early, PC>2.5 1.34 closing.
        #expect(match.price("bet365", "totals", "over", closing: false)?.price == 1.4)
        let pcOver = try #require(match.price("pinnacle", "totals", "over", closing: true))
        #expect(pcOver.point == 2.5 && pcOver.price == 1.34)
        #expect(match.price("market_max", "h2h", "home", closing: true)?.price == 1.16)
        #expect(match.snapshots.count == 80)
        #expect(match.result == ImportedResult(
            homeScore: 4, awayScore: 1, regulationHome: 4, regulationAway: 1, periodScores: [[4, 0]],
            status: "finished", winner: "home"))
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func betBrainHandicapAndTwoDigitYears() throws {
        let parsed = try IngestionFixtures.parseData("football", "E0_2012-13.csv")
        let match = try #require(parsed.events.first)
        // 18/08/12 Arsenal v Sunderland, no Time column → 15:00 BST = 14:00 UTC.
        #expect(match.externalID == "E0:2012-08-18:Arsenal:Sunderland")
        #expect(match.startsAt == IngestionFixtures.utc("2012-08-18T14:00:00Z"))
        // BbAHh −1.25: BbMxAHH 2.02, BbAvAHA 1.91; Pinnacle closing only PSCH 1.44.
        let bbHome = try #require(match.price("betbrain_max", "spreads", "home", closing: false))
        #expect(bbHome.point == -1.25 && bbHome.price == 2.02)
        #expect(match.price("betbrain_avg", "spreads", "away", closing: false)?.point == 1.25)
        #expect(match.price("pinnacle", "h2h", "home", closing: true)?.price == 1.44)
        #expect(match.snapshots.filter(\.isClosing).count == 3)

        let winter = try IngestionFixtures.parseData("football", "E0_2011-12.csv")
        let boxingDay = try #require(winter.events.first { $0.sourceLine == 171 })
        #expect(boxingDay.externalID == "E0:2011-12-26:Bolton:Newcastle")
        #expect(boxingDay.startsAt == IngestionFixtures.utc("2011-12-26T15:00:00Z"))  // GMT in winter
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func irishLayoutWithTheMisspelledBet365Column() throws {
        let parsed = try IngestionFixtures.parseData("football", "IRL_2012-2025.csv")
        let first = try #require(parsed.events.first)
        #expect(first.sportKey == "soccer_league_of_ireland" && first.competition == "IRL")
        #expect(first.externalID == "IRL:2012-03-02:Drogheda:Shamrock Rovers")
        #expect(first.startsAt == IngestionFixtures.utc("2012-03-02T19:05:00Z"))
        #expect(first.snapshots.allSatisfy { $0.isClosing })
        #expect(first.result?.winner == "away" && first.result?.periodScores == nil)
        // 22/08/2025 Bohemians v Cork City: B365CH 1.38, B36CA 6 (= Bet365 closing away).
        let bohs = try #require(parsed.events.first { $0.externalID == "IRL:2025-08-22:Bohemians:Cork City" })
        #expect(bohs.price("bet365", "h2h", "home", closing: true)?.price == 1.38)
        #expect(bohs.price("bet365", "h2h", "away", closing: true)?.price == 6)
        #expect(bohs.price("pinnacle", "h2h", "home", closing: true)?.price == 1.34)
    }
}
