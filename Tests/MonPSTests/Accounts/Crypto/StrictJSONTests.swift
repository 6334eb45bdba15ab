import Testing

@testable import MonPS

@Suite(.hangGuard) struct SecurityStrictJSONTests {
    private func parse(_ text: String) throws -> [String: StrictJSON.Value] {
        try StrictJSON.parseObject(Array(text.utf8))
    }

    @Test func parsesObjectsWithAllValueKinds() throws {
        let object = try parse(#" { "a" : [1, -0, 2.5e3, true, false, null], "b": {"c": "d"} } "#)
        #expect(object["a"] == .array([.number("1"), .number("-0"), .number("2.5e3"), .bool(true), .bool(false), .null]))
        #expect(object["b"] == .object(["c": .string("d")]))
    }

    @Test func integerAccessorOnlyAcceptsIntegerLiterals() {
        #expect(StrictJSON.Value.number("9223372036854775807").int64 == .max)
        #expect(StrictJSON.Value.number("9223372036854775808").int64 == nil)
        #expect(StrictJSON.Value.number("1.0").int64 == nil)
        #expect(StrictJSON.Value.number("1e3").int64 == nil)
        #expect(StrictJSON.Value.string("1").int64 == nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let object = try parse(#"{"s":"a\"\\\/\n\u00e9\ud83d\ude00"}"#)
        #expect(object["s"] == .string("a\"\\/\né😀"))
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#,  // duplicate key
        #"{"a":01}"#,  // leading zero
        #"{"a":1,}"#,  // trailing comma
        #"{"a":1} x"#,  // trailing data
        #"{'a':1}"#,  // single quotes
        #"{"a":"\ud83d"}"#,  // lone surrogate
        #"{"a":"\x"}"#,  // bad escape
        "{\"a\":\"\u{01}\"}",  // raw control character
        #"{"a":tru}"#,
        #"{"a":-}"#,
        #"{"a":1."#,
        "[]",  // not an object
        "",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: StrictJSON.ParseError.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: StrictJSON.ParseError.self) {
            try StrictJSON.parseObject([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])  // {"a":"\xFF"}
        }
        let deep = #"{"a":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"
        #expect(throws: StrictJSON.ParseError.self) { try parse(deep) }
    }

    @Test func quoteEscapesAndRoundTrips() throws {
        let tricky = "q\"b\\n\n\u{01}é"
        #expect(StrictJSON.quote(tricky) == #""q\"b\\n\n\u0001é""#)
        #expect(try parse("{\"k\":\(StrictJSON.quote(tricky))}")["k"] == .string(tricky))
    }
}
