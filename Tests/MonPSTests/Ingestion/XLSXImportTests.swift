import Foundation
import Testing
import MonPSCore
@testable import MonPS

@Suite("Ingestion: .xlsx workbooks", .hangGuard)
struct XLSXImportTests {
    static let header: [XLSXFixture.Cell] = [
        "Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "B365H", "B365D", "B365A", "MaxH", "MaxD",
        "MaxA",
    ].map { .shared($0) }

    /// Shared and inline strings, date serials (built-in and custom date styles), a time fraction, float noise, an
    /// exponent, omitted (empty) cells, an error cell, a bad row and a row number gap.
    static func workbook() throws -> [UInt8] {
        try XLSXFixture.workbook([
            (1, header),
            // 43686 = 09/08/2019; 0.8333… = 20:00; 2.1000000000000001 is Excel's 2.1.
            (2, [.shared("E0"), .number("43686", style: 1), .number("0.83333333333333337", style: 2),
                 .shared("Liverpool"), .inline("Norwich"), .number("4"), .number("1"), .shared("H"),
                 .number("1.1399999999999999"), .number("9.5"), .number("21"), .number("1.1599999999999999"),
                 .number("1.05E1"), .number("26")]),
            // Empty cells omitted (no time: 15:00 UK), a #N/A price, a custom dd/mm/yyyy style.
            (3, [.inline("E0"), .number("43687", style: 3), .omitted, .shared("West Ham"), .shared("Man City"),
                 .number("0"), .number("5"), .shared("A"), .error("#N/A"), .number("5.5"), .number("1.3")]),
            // Missing home team: the row is skipped with the CSV parser's issue.
            (5, [.shared("E0"), .number("43687", style: 1), .omitted, .omitted, .shared("Brighton")]),
            // An unknown league code.
            (6, [.shared("ZZ9"), .number("43688", style: 1), .omitted, .shared("A"), .shared("B")]),
        ])
    }

    @Test func cellsBecomeTheFieldsTheCSVParsersRead() throws {
        let parsed = try FootballDataParser().parse(try Self.workbook(), fileName: "E0_2019-20.xlsx")
        #expect(parsed.rowCount == 4)
        #expect(parsed.events.map(\.externalID) == ["E0:2019-08-09:Liverpool:Norwich", "E0:2019-08-10:West Ham:Man City"])
        let liverpool = parsed.events[0]
        #expect(liverpool.startsAt == IngestionFixtures.utc("2019-08-09T19:00:00Z"))  // 20:00 BST
        #expect(liverpool.price("bet365", .h2h, .home, closing: false)?.price == 1.14)
        #expect(liverpool.price("market_max", .h2h, .draw, closing: false)?.price == 10.5)
        #expect(liverpool.snapshots.count == 6)
        #expect(liverpool.result?.homeScore == 4 && liverpool.result?.winner == .home)
        let westHam = parsed.events[1]
        #expect(westHam.startsAt == IngestionFixtures.utc("2019-08-10T14:00:00Z"))  // 15:00 BST
        #expect(westHam.snapshots.count == 2)
        #expect(parsed.issues.map(\.line) == [3, 5, 6])
        #expect(parsed.issues.map(\.effect) == [.valueSkipped, .rowSkipped, .rowSkipped])
        #expect(parsed.issues[0].reason == "B365H: price '#N/A' is not a number")
        #expect(parsed.issues[1].reason == "missing home team")
        #expect(parsed.issues[2].reason.contains("unknown league code 'ZZ9'"))
    }

    @Test func aWorkbookWithoutSharedStringsAndA1904Calendar() throws {
        // 42224 days after 1904-01-01 = 2019-08-09.
        let bytes = try XLSXFixture.workbook([
            (1, [.inline("Div"), .inline("Date"), .inline("HomeTeam"), .inline("AwayTeam"), .inline("FTHG"), .inline("FTAG")]),
            (2, [.inline("E1"), .number("42224", style: 1), .inline("Leeds & Co"), .inline("Bristol"), .number("1"), .number("0")]),
        ], date1904: true, sharedStringsPart: false)
        let parsed = try FootballDataParser().parse(bytes, fileName: "E1.xlsx")
        #expect(parsed.events.map(\.externalID) == ["E1:2019-08-09:Leeds & Co:Bristol"])
        #expect(parsed.issues.isEmpty)
    }

    @Test func aRealSeasonReadsTheSameFromXLSXAsFromCSV() throws {
        guard IngestionFixtures.dataAvailable else { return }
        for name in ["E0_2012-13.csv", "E0_2019-20.csv", "IRL_2012-2025.csv", "SC0_2025-26_partial.csv"] {
            let bytes = try IngestionFixtures.dataFile("football", name)
            let fromCSV = try FootballDataParser().parse(bytes, fileName: name)
            let fromXLSX = try FootballDataParser().parse(try XLSXFixture.fromCSV(bytes), fileName: name)
            #expect(fromXLSX == fromCSV, "\(name)")
            #expect(fromXLSX.events.count > 60)
        }
        let tennis = try IngestionFixtures.dataFile("tennis", "atp_2018.csv")
        let fromCSV = try TennisDataParser().parse(tennis, fileName: "atp_2018.csv")
        let fromXLSX = try TennisDataParser().parse(try XLSXFixture.fromCSV(tennis, fallback: .cp437), fileName: "atp_2018.xlsx")
        #expect(fromXLSX == fromCSV)
        #expect(fromXLSX.events.count == fromCSV.events.count && fromCSV.events.count > 2000)
    }

    @Test func binaryExcelAndBrokenArchivesGiveClearErrors() throws {
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        #expect(throws: ImportFileError(HistoricalTable.binaryExcelAdvice)) {
            try TennisDataParser().parse(ole, fileName: "atp_2023.xls")
        }
        #expect(HistoricalTable.binaryExcelAdvice.contains("save it as .xlsx or CSV"))
        let truncated = Array(try Self.workbook().prefix(300))
        #expect(throws: ImportFileError.self) { try FootballDataParser().parse(truncated, fileName: "E0.xlsx") }
        let notABook = try XLSXFixture.zip([("hello.txt", "hi")])
        #expect(throws: ImportFileError("a ZIP archive without xl/workbook.xml: not an .xlsx workbook")) {
            try FootballDataParser().parse(notABook, fileName: "E0.xlsx")
        }
        let emptySheet = try XLSXFixture.workbook([])
        #expect(throws: ImportFileError("empty file: no header row (the first worksheet is empty)")) {
            try FootballDataParser().parse(emptySheet, fileName: "E0.xlsx")
        }
    }

    @Test func styleFormatsAndSerials() {
        #expect(XLSXStyles.kind(formatCode: "dd/mm/yyyy;@") == .date)
        #expect(XLSXStyles.kind(formatCode: "[$-409]h:mm AM/PM") == .time)
        #expect(XLSXStyles.kind(formatCode: "mm:ss") == .time)
        #expect(XLSXStyles.kind(formatCode: "yyyy-mm-dd hh:mm") == .dateTime)
        #expect(XLSXStyles.kind(formatCode: "0.00") == nil)
        #expect(XLSXStyles.kind(formatCode: "\"day\" 0") == nil)
        #expect(XLSXSheetReader.serial(43686.5, kind: .dateTime, date1904: false) == "09/08/2019 12:00")
        #expect(XLSXSheetReader.serial(61, kind: .date, date1904: false) == "01/03/1900")
        #expect(XLSXSheetReader.number("2.1000000000000001") == "2.1")
        #expect(XLSXSheetReader.number("3.0000000000000004") == "3.0000000000000004")
        #expect(XLSXSheetReader.number("1E-3") == "0.001")
        #expect(XLSXSheetReader.number("7") == "7")
        #expect(XLSXSheetReader.columnIndex("AB12") == 27 && XLSXSheetReader.columnIndex("12") == nil)
        #expect(XMLText.decode(ArraySlice(Array("a &amp; b &#233;&#x41; &bogus;".utf8))) == "a & b éA &bogus;")
    }
}
