import Testing
@testable import MonPS

@Suite("CSV writer: RFC 4180 quoting and formula neutralisation")
struct CSVWriterTests {
    func record(_ fields: [String?]) -> String {
        var buffer: [UInt8] = []
        CSVWriter.appendRecord(fields, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func quoting() {
        #expect(record(["a", nil, "b c"]) == "a,,b c\r\n")
        #expect(record(["x,y", "say \"hi\"", "two\nlines", "cr\rhere"]) == "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n")
        #expect(record(["é ü €"]) == "é ü €\r\n")
    }

    @Test func formulasAreNeutralisedButNumbersAreNot() {
        #expect(record(["=SUM(A1)", "+1", "-cmd", "@x", "\tx"]) == "'=SUM(A1),'+1,'-cmd,'@x,'\tx\r\n")
        #expect(record(["-1000", "-0.25", "1e-5", "-", "-1-1"]) == "-1000,-0.25,1e-5,'-,'-1-1\r\n")
        #expect(record(["=HYPERLINK(\"x\",\"y\")"]) == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n")
    }
}
