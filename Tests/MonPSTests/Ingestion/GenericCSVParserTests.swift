import Foundation
import Testing
import MonPSCore
@testable import MonPS

@Suite("Ingestion: generic odds CSV parser", .hangGuard)
struct GenericCSVParserTests {
    let parser = GenericCSVParser()

    @Test func esportsFixtureGroupsRowsAndReportsBadOnes() throws {
        let parsed = try parser.parse(try IngestionFixtures.fixture("generic_esports.csv"), fileName: "generic_esports.csv")
        #expect(parsed.rowCount == 11)
        #expect(parsed.events.map(\.externalID) == ["lec-1", "cgn-qf1", "ti-1"])
        #expect(parsed.issues.map(\.line) == [6, 7, 8, 9, 10, 11, 12])
        #expect(parsed.issues.map(\.effect) == [
            .valueSkipped, .valueSkipped, .rowSkipped, .rowSkipped, .rowSkipped, .rowSkipped, .valueSkipped,
        ])

        let lec = parsed.events[0]
        #expect(lec.sportKey == "esports_lol" && lec.competition == "LEC" && lec.sourceLine == 2)
        #expect(lec.startsAt == IngestionFixtures.utc("2024-06-15T16:00:00Z"))
        #expect(lec.snapshots.count == 3)
        #expect(lec.price("pinnacle", .h2h, .home, closing: false)?.capturedAt == IngestionFixtures.utc("2024-06-14T16:00:00Z"))
        let close = try #require(lec.price("pinnacle", .h2h, .home, closing: true))  // "Pinnacle" lower-cased
        #expect(close.price == 1.5 && close.capturedAt == IngestionFixtures.utc("2024-06-15T15:55:00Z"))
        #expect(lec.result == ImportedResult(homeScore: 1, awayScore: 0, status: .finished, winner: .home))

        let cgn = parsed.events[1]
        #expect(cgn.startsAt == IngestionFixtures.utc("2024-08-15T12:30:00Z"))
        #expect(cgn.snapshots == [ImportedPrice(
            bookmakerKey: "bet365", market: .spreads, outcome: .home, point: -1.5, price: 2.1,
            capturedAt: IngestionFixtures.utc("2024-08-13T12:30:00Z"), isClosing: false)])
        #expect(cgn.result == nil)
        // Walkover without a winner: event kept, result skipped.
        #expect(parsed.events[2].result == nil && parsed.events[2].snapshots.isEmpty)
    }

    @Test func semicolonsDecimalCommasAndAnyColumnOrder() throws {
        let text = """
        Price;Outcome;Market;Bookmaker;Away;Home;Starts_At;Event_ID;Sport_Key;Point;Home_Score;Away_Score;Status;Winner
        1,91;over;totals;BetVictor;Bayern;Dortmund;2024-03-30T18:30:00+01:00;bvb-fcb;soccer_germany_bundesliga;3,5;0;2;finished;
        1,95;under;totals;BetVictor;Bayern;Dortmund;2024-03-30T18:30:00+01:00;bvb-fcb;soccer_germany_bundesliga;3,5;0;2;;
        """
        let parsed = try parser.parse(IngestionFixtures.bytes(text), fileName: "x.csv")
        #expect(parsed.issues.isEmpty)
        let event = try #require(parsed.events.first)
        #expect(event.startsAt == IngestionFixtures.utc("2024-03-30T17:30:00Z"))
        #expect(event.snapshots.map(\.price) == [1.91, 1.95])
        #expect(event.snapshots.allSatisfy { $0.point == 3.5 && $0.bookmakerKey == "betvictor" })
        #expect(event.result?.winner == .away)
    }

    /// Markets and outcomes are read case-insensitively into MonPS's enums; anything else, or an outcome the market
    /// does not have, skips that price with the reason.
    @Test func marketsAndOutcomesAreCheckedAgainstEachOther() throws {
        let text = """
        sport_key,event_id,home,away,starts_at,bookmaker,market,outcome,point,price
        esports_csgo,m1,A,B,2024-05-01T18:00:00Z,pinnacle,H2H,Away,,2.10
        esports_csgo,m1,A,B,2024-05-01T18:00:00Z,pinnacle,outrights,home,,3.00
        esports_csgo,m1,A,B,2024-05-01T18:00:00Z,pinnacle,totals,draw,2.5,1.90
        esports_csgo,m1,A,B,2024-05-01T18:00:00Z,pinnacle,spreads,over,1.5,1.90
        """
        let parsed = try parser.parse(IngestionFixtures.bytes(text), fileName: "x.csv")
        let event = try #require(parsed.events.first)
        #expect(event.snapshots.map { [$0.market.rawValue, $0.outcome.rawValue] } == [["h2h", "away"]])
        #expect(parsed.issues.map(\.line) == [3, 4, 5])
        #expect(parsed.issues.map(\.reason) == [
            "unknown market 'outrights' (h2h, spreads, totals) (price skipped)",
            "outcome 'draw' is not valid for totals (price skipped)",
            "outcome 'over' is not valid for spreads (price skipped)",
        ])
    }

    @Test func isoInstants() {
        #expect(GenericCSVParser.isoInstant("2024-05-01T18:00:00Z") == Date(timeIntervalSince1970: 1_714_586_400))
        #expect(GenericCSVParser.isoInstant("2024-05-01 20:00+02:00") == Date(timeIntervalSince1970: 1_714_586_400))
        #expect(GenericCSVParser.isoInstant("2024-05-01T18:00:00.5Z") == Date(timeIntervalSince1970: 1_714_586_400.5))
        #expect(GenericCSVParser.isoInstant("2024-05-01T14:00:00-0400") == Date(timeIntervalSince1970: 1_714_586_400))
        for bad in ["2024-05-01T18:00:00", "2024-02-30T18:00Z", "2024-05-01", "01/05/2024 18:00Z", "2024-05-01T25:00Z"] {
            #expect(GenericCSVParser.isoInstant(bad) == nil, "\(bad)")
        }
    }

    @Test func missingRequiredColumnsRejectTheFile() {
        #expect(throws: ImportFileError.self) {
            try parser.parse(IngestionFixtures.bytes("sport_key,event_id,home,away\n"), fileName: "x.csv")
        }
    }
}
