import Foundation
import Testing
import MonPSCore
@testable import MonPS

@Suite("Ingestion: CSV reader", .hangGuard)
struct HistoricalCSVTests {
    typealias CSV = HistoricalCSV

    @Test func readsQuotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",z\r\n3,,\r\n"
        let document = try CSV.read(IngestionFixtures.bytes(text))
        #expect(document.header == ["a", "b", "c"])
        #expect(document.records.map(\.fields) == [
            ["1", "x, y", "say \"hi\""], ["2", "two\nlines", "z"], ["3", "", ""],
        ])
        #expect(document.records.map(\.line) == [2, 3, 5])
        #expect(document.records[2].value(1) == nil)  // empty = missing
        #expect(document.issues.isEmpty)
    }

    @Test func sniffsTheSemicolonAndStripsTheBOM() throws {
        let document = try CSV.read([0xEF, 0xBB, 0xBF] + IngestionFixtures.bytes("Div;Date\nE0;01/02/2020\n"))
        #expect(document.delimiter == UInt8(ascii: ";"))
        #expect(document.header == ["Div", "Date"])
        #expect(document.index(of: "Div") == 0)
    }

    @Test func handlesLoneCarriageReturnsAndAMissingFinalNewline() throws {
        let document = try CSV.read(IngestionFixtures.bytes("a,b\r1,2\r3,4"))
        #expect(document.records.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(document.records.map(\.line) == [2, 3])
    }

    @Test func decodesInvalidUTF8PerFieldWithTheFallbackCodePage() throws {
        // "Nürnberg" in CP437 (0x81), "Müller" in valid UTF-8, "Café" in Windows-1252 (0xE9).
        let bytes: [UInt8] = Array("x;y;z\nN".utf8) + [0x81] + Array("rnberg;M\u{00FC}ller;Caf".utf8) + [0xE9] + [0x0A]
        let cp437 = try CSV.read(bytes, fallback: .cp437)
        #expect(cp437.records[0].fields == ["Nürnberg", "Müller", "Caf\u{0398}"])  // 0xE9 is Θ in CP437
        let windows = try CSV.read(bytes, fallback: .windows1252)
        #expect(windows.records[0].fields == ["N\u{0081}rnberg", "Müller", "Café"])
    }

    @Test func trimsNoBreakSpaces() {
        #expect(CSV.trim("\u{00A0}JGRAY ") == "JGRAY")
        #expect(CSV.trim("  ") == "")
        #expect(CSV.trim("a b") == "a b")
    }

    @Test func recoversFromAnUnterminatedQuoteOnTheNextLine() throws {
        let document = try CSV.read(try IngestionFixtures.fixture("football_unbalanced_quotes.csv"))
        #expect(document.records.map(\.line) == [2, 3, 5])
        #expect(document.records[1].fields[2] == "Brighton, Hove")
        #expect(document.records[1].fields[3] == "West \"Ham\"")
        #expect(document.issues == [ImportIssue(line: 4, reason: "unterminated quoted field (row skipped)", effect: .rowSkipped)])
    }

    @Test func rejectsEmptyAndBinaryInput() throws {
        #expect(throws: ImportFileError.self) { try CSV.read([]) }
        #expect(throws: ImportFileError.self) { try CSV.read(try IngestionFixtures.fixture("empty.csv")) }
        #expect(throws: ImportFileError.self) { try CSV.read([0xEF, 0xBB, 0xBF, 0x0D, 0x0A, 0x0A]) }
        #expect(throws: ImportFileError.self) { try CSV.read([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]) }
    }

    @Test func oversizedFieldsSkipTheRecordWithoutCrashing() throws {
        let huge = String(repeating: "9", count: 5000)
        let text = "a,b\n1,\(huge)\n2,\"\(huge)\"\n3,4\n"
        let document = try CSV.read(IngestionFixtures.bytes(text), maxFieldBytes: 1000)
        #expect(document.records.map(\.fields) == [["3", "4"]])
        #expect(document.issues.map(\.line) == [2, 3])
        #expect(document.issues.allSatisfy { $0.effect == .rowSkipped })
    }

    @Test func widthCheckToleratesOnlyEmptyTrailingFields() throws {
        let document = try CSV.read(IngestionFixtures.bytes("a,b\n1,2,,\n1\n1,2,3\n"))
        #expect(document.widthIssue(document.records[0]) == nil)
        #expect(document.widthIssue(document.records[1])?.line == 3)
        #expect(document.widthIssue(document.records[2])?.effect == .rowSkipped)
    }

    @Test func numbersAcceptDecimalCommaButNothingExotic() {
        #expect(ImportNumber.decimal("1,36") == 1.36)
        #expect(ImportNumber.decimal("-1.25") == -1.25)
        #expect(ImportNumber.decimal("6") == 6)
        for bad in ["abc", "1,000.5", "1e5", "nan", "inf", "-", "#N/A", "", "1.2.3", "0x10", "1-2"] {
            #expect(ImportNumber.decimal(bad) == nil, "\(bad)")
        }
    }

    /// Deterministic xorshift64* so a failure reproduces.
    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    @Test func survivesRandomGarbage() {
        var generator = Xorshift(state: 0x9E37_79B9_7F4A_7C15)
        let alphabet: [UInt8] = Array("\",;\r\n\tab1.5 ".utf8) + [0xC3, 0xA9, 0x81, 0xFF, 0xEF, 0xBB, 0xBF]
        for _ in 0..<300 {
            let length = Int.random(in: 0...400, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            for parser in [FootballDataParser(), TennisDataParser(), SBRParser(sport: .nhl, season: .init(startYear: 2019, spansTwoYears: true)), GenericCSVParser()] as [any HistoricalFileParser] {
                _ = try? parser.parse(bytes, fileName: "atp_fuzz.csv")
            }
        }
    }
}
