import Foundation
import Testing
import MonPSCore
@testable import MonPS

/// Expected result of parsing one file of the shared data set.
struct CorpusExpectation: Sendable, CustomTestStringConvertible {
    let folder: String
    let file: String
    /// Matches (football, tennis) or games (SBR: rows / 2), as in the data README.
    let events: Int
    /// Data rows (SBR: two per game).
    let rows: Int
    let snapshots: Int
    /// Issue lines, each verified by reading the file (see the comments in the table).
    let issueLines: [Int]

    var testDescription: String { "\(folder)/\(file)" }
}

@Suite(
    "Ingestion: every file of the shared historical data set",
    .enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"),
    .hangGuard)
struct HistoricalDataCorpusTests {
    static let expectations: [CorpusExpectation] = [
        .init(folder: "football", file: "B1_2025-26_partial.csv", events: 104, rows: 104, snapshots: 10754, issueLines: []),
        .init(folder: "football", file: "D1_2025-26_partial.csv", events: 81, rows: 81, snapshots: 8574, issueLines: []),
        .init(folder: "football", file: "E0_2011-12.csv", events: 380, rows: 380, snapshots: 16720, issueLines: []),
        .init(folder: "football", file: "E0_2012-13.csv", events: 380, rows: 380, snapshots: 17854, issueLines: []),
        .init(folder: "football", file: "E0_2013-14.csv", events: 380, rows: 380, snapshots: 15540, issueLines: []),
        .init(folder: "football", file: "E0_2014-15.csv", events: 380, rows: 380, snapshots: 14557, issueLines: []),
        .init(folder: "football", file: "E0_2015-16.csv", events: 380, rows: 380, snapshots: 14437, issueLines: []),
        .init(folder: "football", file: "E0_2016-17.csv", events: 380, rows: 380, snapshots: 14440, issueLines: []),
        .init(folder: "football", file: "E0_2017-18.csv", events: 380, rows: 380, snapshots: 14440, issueLines: []),
        .init(folder: "football", file: "E0_2018-19.csv", events: 380, rows: 380, snapshots: 13300, issueLines: []),
        .init(folder: "football", file: "E0_2019-20.csv", events: 380, rows: 380, snapshots: 30400, issueLines: []),
        .init(folder: "football", file: "E0_2020-21.csv", events: 380, rows: 380, snapshots: 30400, issueLines: []),
        // B365C>2.5 and B365C<2.5 are "0".
        .init(folder: "football", file: "E0_2021-22.csv", events: 380, rows: 380, snapshots: 30385, issueLines: [168, 168]),
        .init(folder: "football", file: "E0_2022-23.csv", events: 380, rows: 380, snapshots: 30396, issueLines: []),
        .init(folder: "football", file: "F1_2025-26_partial.csv", events: 99, rows: 99, snapshots: 10490, issueLines: []),
        // BMGMCH/BMGMCD/BMGMCA are "0" in two rows.
        .init(folder: "football", file: "G1_2025-26_partial.csv", events: 62, rows: 62, snapshots: 6289, issueLines: [39, 39, 39, 46, 46, 46]),
        .init(folder: "football", file: "I1_2025-26_partial.csv", events: 100, rows: 100, snapshots: 10600, issueLines: []),
        .init(folder: "football", file: "IRL_2012-2025.csv", events: 2563, rows: 2563, snapshots: 23877, issueLines: []),
        .init(folder: "football", file: "N1_2025-26_partial.csv", events: 99, rows: 99, snapshots: 10281, issueLines: []),
        .init(folder: "football", file: "P1_2025-26_partial.csv", events: 90, rows: 90, snapshots: 9407, issueLines: []),
        .init(folder: "football", file: "SC0_2025-26_partial.csv", events: 63, rows: 63, snapshots: 6556, issueLines: []),
        // PC>2.5 and PC<2.5 are "0".
        .init(folder: "football", file: "SP1_2025-26_partial.csv", events: 110, rows: 110, snapshots: 11656, issueLines: [84, 84]),
        .init(folder: "football", file: "T1_2025-26_partial.csv", events: 99, rows: 99, snapshots: 10207, issueLines: []),
        // LBW "1".
        .init(folder: "tennis", file: "atp_2018.csv", events: 2637, rows: 2637, snapshots: 30585, issueLines: [1289]),
        // Comment "Sched" on the 2019 US Open final (warning, kept as finished).
        .init(folder: "tennis", file: "atp_2019.csv", events: 2610, rows: 2610, snapshots: 20828, issueLines: [2181]),
        // Prices "0,967", "1", "0,971", "0,974", "0,971".
        .init(folder: "tennis", file: "atp_2020.csv", events: 1267, rows: 1267, snapshots: 10105, issueLines: [178, 500, 883, 919, 937]),
        .init(folder: "tennis", file: "atp_2021.csv", events: 2489, rows: 2489, snapshots: 19847, issueLines: [240, 437, 1206, 1251, 2449]),
        .init(folder: "tennis", file: "atp_2022.csv", events: 2632, rows: 2632, snapshots: 20989, issueLines: [1288]),
        // B365W "1" ×4 and "-".
        .init(folder: "tennis", file: "atp_2026_partial.csv", events: 533, rows: 533, snapshots: 4393, issueLines: [129, 175, 208, 220, 384]),
        .init(folder: "tennis", file: "wta_2018.csv", events: 2469, rows: 2469, snapshots: 28996, issueLines: []),
        // PSW and MaxL "#N/A".
        .init(folder: "tennis", file: "wta_2019.csv", events: 2472, rows: 2472, snapshots: 19694, issueLines: [1587, 1587]),
        .init(folder: "tennis", file: "wta_2020.csv", events: 1055, rows: 1055, snapshots: 8414, issueLines: []),
        .init(folder: "tennis", file: "wta_2021.csv", events: 2447, rows: 2447, snapshots: 19408, issueLines: []),
        .init(folder: "tennis", file: "wta_2022.csv", events: 2369, rows: 2369, snapshots: 18870, issueLines: []),
        .init(folder: "tennis", file: "wta_2026_partial.csv", events: 520, rows: 520, snapshots: 4339, issueLines: [151]),
        // Open −1253 / 1086 / −2156 (warnings); H row before V row at 1482 (warning).
        .init(folder: "nhl", file: "nhl_odds_2019-20.csv", events: 1212, rows: 2424, snapshots: 12120, issueLines: [1283, 1402, 1403, 1482]),
        // 4: Final 0/1 below periods 4-4; 286: Open −1210; 564/565: Open "-"; 687: Final "F";
        // 846/847: OpenOU "-110" (not a total); 1470: CloseOU price "a100".
        .init(folder: "nhl", file: "nhl_odds_2020-21.csv", events: 952, rows: 1904, snapshots: 9515, issueLines: [4, 286, 564, 565, 687, 846, 847, 1470]),
        .init(folder: "mlb", file: "mlb_odds_2014.csv", events: 2462, rows: 4924, snapshots: 24620, issueLines: []),
        .init(folder: "mlb", file: "mlb_odds_2015.csv", events: 2465, rows: 4930, snapshots: 24650, issueLines: []),
        // 1702: Final "NL"; 3461/4366: inning "-1".
        .init(folder: "mlb", file: "mlb_odds_2016.csv", events: 2462, rows: 4924, snapshots: 24620, issueLines: [1702, 3461, 4366]),
        // 107: inning "-1"; 2428: run line −1.5 on both rows.
        .init(folder: "mlb", file: "mlb_odds_2017.csv", events: 2467, rows: 4934, snapshots: 24668, issueLines: [107, 2428]),
        // 78/79: Open 1124 / −2300 (warnings); total prices −6, −14, −35, −40.
        .init(folder: "mlb", file: "mlb_odds_2021_partial.csv", events: 967, rows: 1934, snapshots: 9666, issueLines: [78, 79, 930, 931, 1055, 1118]),
        .init(folder: "nba", file: "nba_odds_2015-16.csv", events: 1316, rows: 2632, snapshots: 2632, issueLines: []),
        // Final 10/12 below the quarters 101-101.
        .init(folder: "nba", file: "nba_odds_2016-17.csv", events: 1309, rows: 2618, snapshots: 2618, issueLines: [742]),
        .init(folder: "nba", file: "nba_odds_2017-18.csv", events: 1312, rows: 2624, snapshots: 2624, issueLines: []),
    ]

    @Test func everyDataFileIsCovered() throws {
        var onDisk: Set<String> = []
        for folder in ["football", "tennis", "nhl", "mlb", "nba"] {
            let names = try FileManager.default.contentsOfDirectory(
                atPath: IngestionFixtures.dataDirectory.appendingPathComponent(folder).path)
            onDisk.formUnion(names.filter { $0.hasSuffix(".csv") }.map { "\(folder)/\($0)" })
        }
        #expect(onDisk == Set(Self.expectations.map { "\($0.folder)/\($0.file)" }))
    }

    @Test(arguments: expectations)
    func parsesWithExactCounts(_ expected: CorpusExpectation) throws {
        let parsed = try IngestionFixtures.parseData(expected.folder, expected.file)
        #expect(parsed.events.count == expected.events)
        #expect(parsed.rowCount == expected.rows)
        #expect(parsed.snapshotCount == expected.snapshots)
        #expect(parsed.issues.map(\.line) == expected.issueLines, "\(parsed.issues)")

        // Invariants of the normalised records.
        #expect(Set(parsed.events.map(\.externalID)).count == parsed.events.count)
        for event in parsed.events {
            #expect(!event.home.isEmpty && !event.away.isEmpty && event.home != event.away)
            let early = event.snapshots.filter { !$0.isClosing }.map(\.capturedAt)
            let closing = event.snapshots.filter(\.isClosing).map(\.capturedAt)
            if let latestEarly = early.max(), let firstClosing = closing.min() {
                #expect(latestEarly < firstClosing)
            }
            for price in event.snapshots {
                #expect(price.price > 1.0 && price.price.isFinite)
                #expect(price.capturedAt < event.startsAt)
                #expect(PriceOutcome.allowed(in: price.market).contains(price.outcome))
                #expect((price.market == .h2h) == (price.point == nil))
            }
            if let result = event.result {
                switch result.status {
                case .finished: #expect(result.winner != nil)
                case .retired, .walkover: #expect(result.winner == .home || result.winner == .away)
                case .cancelled: #expect(result.winner == nil)
                }
            }
        }
    }

    @Test(arguments: expectations)
    func parsingTwiceGivesIdenticalResults(_ expected: CorpusExpectation) throws {
        let first = try IngestionFixtures.parseData(expected.folder, expected.file)
        let second = try IngestionFixtures.parseDataFresh(expected.folder, expected.file)
        #expect(first == second)
        #expect(first.events.map(\.externalID) == second.events.map(\.externalID))
    }
}
