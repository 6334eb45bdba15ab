import Foundation
import Testing
import MonPSCore
@testable import MonPS

@Suite("Ingestion: tennis-data.co.uk parser", .hangGuard)
struct TennisDataParserTests {
    let parser = TennisDataParser()

    @Test func semicolonFileWithDecimalCommasAndCodePage437() throws {
        let parsed = try parser.parse(
            try IngestionFixtures.fixture("tennis_semicolon_decimal_comma.csv"), fileName: "fixture.csv")
        #expect(parsed.rowCount == 3 && parsed.events.count == 3)
        // Line 2: Zverev A. beat Albot R. 6-4 3-6 7-5; sorted order puts Albot first.
        let first = parsed.events[0]
        #expect(first.sportKey == "tennis_atp")
        #expect(first.competition == "Nürnberg Open")  // byte 0x81 decoded as CP437 ü
        #expect((first.home, first.away) == ("Albot R.", "Zverev A."))
        #expect(first.externalID == "ATP:2019-05-13:Albot R.:Zverev A.")
        #expect(first.startsAt == IngestionFixtures.utc("2019-05-13T12:00:00Z"))
        #expect(first.price("bet365", .h2h, .away, closing: false)?.price == 1.22)  // B365W "1,22"
        #expect(first.price("bet365", .h2h, .home, closing: false)?.price == 4.33)  // B365L "4,33"
        #expect(first.snapshots.allSatisfy { $0.capturedAt == IngestionFixtures.utc("2019-05-13T11:00:00Z") })
        #expect(first.result == ImportedResult(
            homeScore: 1, awayScore: 2, periodScores: [[4, 6], [6, 3], [5, 7]], status: .finished,
            winner: .away, notes: "Completed"))
        // Line 3: retirement, winner first alphabetically.
        #expect(parsed.events[1].result == ImportedResult(
            homeScore: 0, awayScore: 1, periodScores: [[2, 6], [1, 0]], status: .retired, winner: .home,
            notes: "Retired"))
        // Line 4: walkover with a "#N/A" price.
        let walkover = parsed.events[2]
        #expect((walkover.home, walkover.away) == ("Cuevas P.", "Zverev A."))
        #expect(walkover.result == ImportedResult(
            homeScore: 0, awayScore: 0, periodScores: nil, status: .walkover, winner: .away, notes: "Walkover"))
        #expect(walkover.snapshots.count == 7)
        #expect(parsed.issues == [ImportIssue(line: 4, reason: "B365L: price '#N/A' is not a number", effect: .valueSkipped)])
    }

    @Test func quotedVariantWithMonthFirstDates() throws {
        let text = """
        "WTA";"Tournament";"Date";"Winner";"Loser";"W1";"L1";"W2";"L2";"Wsets";"Lsets";"Comment";"AvgW";"AvgL"
        "1";"ASB Classic";"1/4/2026";"Bejlek S.";"Udvardy P.";"7";"5";"6";"1";"2";"0";"Completed";"1.5";"2.57"
        "1";"ASB Classic";"1/5/2026";"Udvardy P.";"Bejlek S.";"";"";"";"";"";"";"Cancelled";"";""
        """
        let parsed = try parser.parse(IngestionFixtures.bytes(text), fileName: "whatever.csv")
        #expect(parsed.events.map(\.externalID) == ["WTA:2026-01-04:Bejlek S.:Udvardy P.", "WTA:2026-01-05:Bejlek S.:Udvardy P."])
        #expect(parsed.events[0].sportKey == "tennis_wta")
        #expect(parsed.events[0].price("market_avg", .h2h, .home, closing: false)?.price == 1.5)
        #expect(parsed.events[1].result?.status == .cancelled && parsed.events[1].result?.winner == nil)
        #expect(parsed.issues.isEmpty)
    }

    @Test func dateOrderDetection() {
        #expect(TennisDataParser.dateOrder(["31/12/2017", "01/01/2018"]) == .dayFirst)
        #expect(TennisDataParser.dateOrder(["1/4/2026", "1/14/2026"]) == .monthFirst)
        #expect(TennisDataParser.dateOrder(["1/4/2026"]) == .monthFirst)
        #expect(TennisDataParser.dateOrder(["04/01/2026"]) == .dayFirst)
    }

    @Test func tourFromTheFileNameAndUnknownLayouts() throws {
        let text = "Tournament;Date;Winner;Loser\nX;03/01/2022;A B.;C D.\n"
        #expect(try parser.parse(IngestionFixtures.bytes(text), fileName: "data/wta_2022.csv").events.first?.sportKey == "tennis_wta")
        #expect(throws: ImportFileError.self) { try parser.parse(IngestionFixtures.bytes(text), fileName: "2022.csv") }
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func retirementMonteiroOverMonfils() throws {
        // atp_2022.csv line 74: Monteiro T. d. Monfils G. 6-7 6-3 1-0 ret., Wsets 1 Lsets 1,
        // B365W 4,5 B365L 1,2 PSW 5,16. "Monfils G." sorts before "Monteiro T.".
        let parsed = try IngestionFixtures.parseData("tennis", "atp_2022.csv")
        let match = try #require(parsed.events.first { $0.sourceLine == 74 })
        #expect((match.home, match.away) == ("Monfils G.", "Monteiro T."))
        #expect(match.competition == "Adelaide International 2")
        #expect(match.externalID == "ATP:2022-01-12:Monfils G.:Monteiro T.")
        #expect(match.result == ImportedResult(
            homeScore: 1, awayScore: 1, periodScores: [[7, 6], [3, 6], [0, 1]], status: .retired,
            winner: .away, notes: "Retired"))
        #expect(match.price("bet365", .h2h, .away, closing: false)?.price == 4.5)
        #expect(match.price("bet365", .h2h, .home, closing: false)?.price == 1.2)
        #expect(match.price("pinnacle", .h2h, .away, closing: false)?.price == 5.16)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func walkoversIncludingTheWalkoerTypo() throws {
        // wta_2018.csv line 1045: Halep S. over Keys M., Comment "Walkoer", no sets, B365 1,25 / 3,75.
        let wta = try IngestionFixtures.parseData("tennis", "wta_2018.csv")
        let halep = try #require(wta.events.first { $0.sourceLine == 1045 })
        #expect((halep.home, halep.away) == ("Halep S.", "Keys M."))
        #expect(halep.result == ImportedResult(
            homeScore: 0, awayScore: 0, periodScores: nil, status: .walkover, winner: .home, notes: "Walkoer"))
        #expect(halep.price("bet365", .h2h, .away, closing: false)?.price == 3.75)
        // atp_2026_partial.csv line 232 (quoted, M/D/YYYY): Australian Open 1/26/2026 Djokovic N. w/o Mensik J.
        let atp = try IngestionFixtures.parseData("tennis", "atp_2026_partial.csv")
        let djokovic = try #require(atp.events.first { $0.sourceLine == 232 })
        #expect(djokovic.externalID == "ATP:2026-01-26:Djokovic N.:Mensik J.")
        #expect(djokovic.competition == "Australian Open" && djokovic.result?.status == .walkover)
        #expect(djokovic.price("bet365", .h2h, .home, closing: false)?.price == 1.25)
        #expect(djokovic.price("betfair_ex", .h2h, .away, closing: false)?.price == 4.2)
    }

    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func nonUTF8BytesDecodeAsCodePage437() throws {
        // wta_2021.csv line 1697 holds "Raduc" 0x85 "nu E.": CP437 0x85 = "à" → "Raducànu E."
        // (Windows-1252 would give "…"). wta_2018.csv spells Nürnberg with 0x81 (CP437 "ü").
        let wta2021 = try IngestionFixtures.parseData("tennis", "wta_2021.csv")
        let match = try #require(wta2021.events.first { $0.sourceLine == 1697 })
        #expect((match.home, match.away) == ("Raducànu E.", "Zhang S."))
        #expect(match.result?.winner == .away)
        let wta2018 = try IngestionFixtures.parseData("tennis", "wta_2018.csv")
        let nurnberg = wta2018.events.filter { $0.competition == "Nürnberger Versicherungscup" }
        #expect(nurnberg.count == 31)
        #expect(!wta2018.events.contains { ($0.competition ?? "").contains("\u{FFFD}") })
    }
}
