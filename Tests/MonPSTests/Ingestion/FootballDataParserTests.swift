import Foundation
import Testing
import MonPSCore
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
        #expect(!burnley.snapshots.contains { $0.bookmakerKey == "bet365" && $0.market == .h2h && $0.outcome != .away })
        #expect(burnley.price("bet365", .h2h, .away, closing: false)?.price == 3.1)
        #expect(burnley.price("bet365", .spreads, .home, closing: false)?.point == -0.25)
        #expect(burnley.price("bet365", .spreads, .away, closing: false)?.point == 0.25)
        #expect(burnley.price("pinnacle", .h2h, .draw, closing: true)?.price == 3.3)
        #expect(burnley.result == ImportedResult(
            homeScore: 3, awayScore: 0, regulationHome: 3, regulationAway: 0, periodScores: [[0, 0]],
            status: .finished, winner: .home))

        // Unreadable time → 15:00 UK (BST in August = 14:00 UTC); AH prices without a line dropped.
        let spurs = parsed.events[1]
        #expect(spurs.startsAt == IngestionFixtures.utc("2019-08-11T14:00:00Z"))
        #expect(spurs.snapshots.count == 8)
        #expect(!spurs.snapshots.contains { $0.market == .spreads })
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
        let b365 = try #require(match.price("bet365", .h2h, .home, closing: false))
        #expect(b365.price == 1.14 && b365.capturedAt == IngestionFixtures.utc("2019-08-07T19:00:00Z"))
        #expect(match.price("pinnacle", .h2h, .home, closing: false)?.price == 1.15)
        let psch = try #require(match.price("pinnacle", .h2h, .home, closing: true))
        #expect(psch.price == 1.14 && psch.capturedAt == IngestionFixtures.utc("2019-08-09T18:55:00Z"))
        #expect(match.price("pinnacle", .h2h, .draw, closing: true)?.price == 10.43)
        #expect(match.price("pinnacle", .h2h, .away, closing: true)?.price == 19.63)
        // Asian handicap AHh −2.25: B365AHH 1.96 (home −2.25), B365AHA 1.94 (away +2.25);
        // closing AHCh −2.25: PCAHH 1.94, PCAHA 1.98.
        let ahHome = try #require(match.price("bet365", .spreads, .home, closing: false))
        #expect(ahHome.point == -2.25 && ahHome.price == 1.96)
        let ahAway = try #require(match.price("bet365", .spreads, .away, closing: false))
        #expect(ahAway.point == 2.25 && ahAway.price == 1.94)
        #expect(match.price("pinnacle", .spreads, .away, closing: true)?.price == 1.98)
        // Totals: B365>2.5 1.4 early, PC>2.5 1.34 closing.
        #expect(match.price("bet365", .totals, .over, closing: false)?.price == 1.4)
        let pcOver = try #require(match.price("pinnacle", .totals, .over, closing: true))
        #expect(pcOver.point == 2.5 && pcOver.price == 1.34)
        #expect(match.price("market_max", .h2h, .home, closing: true)?.price == 1.16)
        #expect(match.snapshots.count == 80)
        #expect(match.result == ImportedResult(
            homeScore: 4, awayScore: 1, regulationHome: 4, regulationAway: 1, periodScores: [[4, 0]],
            status: .finished, winner: .home))
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func betBrainHandicapAndTwoDigitYears() throws {
        let parsed = try IngestionFixtures.parseData("football", "E0_2012-13.csv")
        let match = try #require(parsed.events.first)
        // 18/08/12 Arsenal v Sunderland, no Time column → 15:00 BST = 14:00 UTC.
        #expect(match.externalID == "E0:2012-08-18:Arsenal:Sunderland")
        #expect(match.startsAt == IngestionFixtures.utc("2012-08-18T14:00:00Z"))
        // BbAHh −1.25: BbMxAHH 2.02, BbAvAHA 1.91; Pinnacle closing only PSCH 1.44.
        let bbHome = try #require(match.price("betbrain_max", .spreads, .home, closing: false))
        #expect(bbHome.point == -1.25 && bbHome.price == 2.02)
        #expect(match.price("betbrain_avg", .spreads, .away, closing: false)?.point == 1.25)
        #expect(match.price("pinnacle", .h2h, .home, closing: true)?.price == 1.44)
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
        #expect(first.result?.winner == .away && first.result?.periodScores == nil)
        // 22/08/2025 Bohemians v Cork City: B365CH 1.38, B36CA 6 (= Bet365 closing away).
        let bohs = try #require(parsed.events.first { $0.externalID == "IRL:2025-08-22:Bohemians:Cork City" })
        #expect(bohs.price("bet365", .h2h, .home, closing: true)?.price == 1.38)
        #expect(bohs.price("bet365", .h2h, .away, closing: true)?.price == 6)
        #expect(bohs.price("pinnacle", .h2h, .home, closing: true)?.price == 1.34)
    }
    // MARK: - Every league (issue #18)

    static let mainCodes = ["E0", "E1", "E2", "E3", "EC", "SC0", "SC1", "SC2", "SC3", "D1", "D2", "I1", "I2", "SP1", "SP2",
                            "F1", "F2", "N1", "B1", "P1", "T1", "G1"]
    static let countries = ["Argentina", "Austria", "Brazil", "China", "Denmark", "Finland", "Ireland", "Japan", "Mexico",
                            "Norway", "Poland", "Romania", "Russia", "Sweden", "Switzerland", "USA"]

    @Test func everyMainLeagueCode() throws {
        var lines = ["Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,Bb1X2"]
        for (index, code) in (Self.mainCodes + ["X9"]).enumerated() {
            lines.append("\(code),\(10 + index % 18)/08/2024,15:00,Home \(code),Away \(code),2,1,H,2.1,3.4,3.5,2.2,3.6,3.8,2.05,3.35,3.45,41")
        }
        let parsed = try parser.parse(IngestionFixtures.bytes(lines.joined(separator: "\r\n")), fileName: "mixed.csv")
        #expect(parsed.rowCount == 23)
        #expect(parsed.events.count == 22)
        #expect(parsed.events.map(\.competition) == Self.mainCodes)
        #expect(parsed.events.map(\.sportKey) == Self.mainCodes.map { FootballDataParser.divisionSportKeys[$0]! })
        #expect(parsed.events.first { $0.competition == "EC" }?.sportKey == "soccer_england_national_league")
        #expect(parsed.events.allSatisfy { $0.snapshots.count == 9 && $0.aggregateBookCounts == [.h2h: 41] })
        #expect(parsed.issues.count == 1 && parsed.issues[0].line == 24)
        #expect(parsed.issues[0].reason == "unknown league code 'X9' (no MonPS sport key)")
        #expect(Set(FootballDataParser.divisionSportKeys.values).count == FootballDataParser.divisionSportKeys.count)
    }

    @Test func everyExtraLeagueCountryAcrossSeasons() throws {
        var lines = ["Country,League,Season,Date,Time,Home,Away,HG,AG,Res,PSCH,PSCD,PSCA,MaxCH,MaxCD,MaxCA,AvgCH,AvgCD,AvgCA,BFECH,BFECD,BFECA"]
        for (index, country) in Self.countries.enumerated() {
            for season in ["2023", "2024/2025"] {
                let year = season == "2023" ? 2023 : 2024
                lines.append("\(country),League \(index),\(season),0\(1 + index % 9)/06/\(year),18:30,H\(index),A\(index),0,0,D,2.5,3.1,3,2.6,3.3,3.1,2.45,3.05,2.9,2.62,3.3,3.15")
            }
        }
        lines.append("Atlantis,League,2024,01/06/2024,18:30,H,A,0,0,D,2.5,3.1,3,,,,,,,,,")
        lines.append("SWZ,Super League,2024,02/06/2024,18:30,Basel,Zurich,1,0,H,2.5,3.1,3,,,,,,,,,")
        let parsed = try parser.parse(IngestionFixtures.bytes(lines.joined(separator: "\n")), fileName: "extra.csv")
        #expect(parsed.rowCount == 34)
        #expect(parsed.events.count == 33)
        let codes = ["ARG", "AUT", "BRA", "CHN", "DNK", "FIN", "IRL", "JPN", "MEX", "NOR", "POL", "ROU", "RUS", "SWE", "SWZ", "USA"]
        #expect(Array(parsed.events.map { $0.competition ?? "" }.prefix(32)) == codes.flatMap { [$0, $0] })
        #expect(parsed.events.last?.sportKey == "soccer_switzerland_superleague")  // the code as the Country value
        #expect(parsed.events.first?.sportKey == "soccer_argentina_primera_division")
        #expect(parsed.events.first { $0.competition == "USA" }?.sportKey == "soccer_usa_mls")
        // Closing prices only: Pinnacle, the market max/avg and Betfair exchange, 12 per match.
        #expect(parsed.events.allSatisfy { $0.snapshots.count == 12 || $0.competition == "SWZ" && $0.home == "Basel" })
        #expect(parsed.events.allSatisfy { $0.snapshots.allSatisfy(\.isClosing) })
        #expect(parsed.events.first?.startsAt == IngestionFixtures.utc("2023-06-01T17:30:00Z"))
        #expect(parsed.issues.map(\.line) == [34])
        #expect(parsed.issues.first?.reason == "no MonPS league for country 'Atlantis'")
    }
}
