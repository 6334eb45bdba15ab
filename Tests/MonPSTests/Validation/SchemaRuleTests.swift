import Foundation
import Testing
@testable import MonPS

/// The compiled constraints, without a server: each keyword the contract uses, and the contract itself compiling.
@Suite("Contract schema rules")
struct SchemaRuleTests {
    private func rule(_ json: String) throws -> SchemaRule {
        guard case .object(let schema) = try StrictJSON.parse(Array(json.utf8)) else { throw TestFailure("not an object") }
        var compiler = SchemaCompiler(document: [:])
        return try compiler.compile(.object(schema), at: "test")
    }

    private func issues(_ rule: SchemaRule, _ json: String) throws -> [SchemaRule.Issue] {
        var issues: [SchemaRule.Issue] = []
        rule.validate(try StrictJSON.parse(Array(json.utf8)), at: "", into: &issues)
        return issues
    }

    @Test(arguments: [
        (#"{"type":"string","minLength":1}"#, #""""#, "at least 1"),
        (#"{"type":"string","maxLength":3}"#, #""abcd""#, "at most 3"),
        (#"{"type":"string","pattern":"^[a-z0-9_]{1,64}$"}"#, #""EPL""#, "must match"),
        (#"{"type":"integer","minimum":1}"#, "-5", "at least 1"),
        (#"{"type":"integer","maximum":200}"#, "201", "at most 200"),
        (#"{"type":"number","exclusiveMinimum":1}"#, "1", "greater than 1"),
        (#"{"type":"array","maxItems":2}"#, "[1,2,3]", "at most 2 items"),
        (#"{"type":"array","minItems":1}"#, "[]", "at least 1 items"),
        (#"{"type":"array","uniqueItems":true}"#, #"["a","a"]"#, "must not repeat"),
        (#"{"type":"string","enum":["a","b"]}"#, #""c""#, "one of a, b"),
        (#"{"type":"object","required":["name"]}"#, "{}", "is required"),
        (#"{"type":"object","additionalProperties":false,"properties":{}}"#, #"{"x":1}"#, "not a known member"),
        (#"{"type":"object","minProperties":1}"#, "{}", "at least 1 members"),
        (#"{"type":"integer"}"#, "1.5", "of type integer"),
        (#"{"type":"string","format":"uuid"}"#, #""not-a-uuid""#, "valid uuid"),
        (#"{"type":"string","format":"date-time"}"#, #""2026-02-30T00:00:00Z""#, "valid date-time"),
        (#"{"type":"string","format":"email"}"#, #""nobody""#, "valid email"),
    ])
    func eachKeywordRejects(schema: String, value: String, message: String) throws {
        let found = try issues(try rule(schema), value)
        #expect(found.count == 1 && found[0].message.contains(message), "\(found)")
    }

    @Test func validValuesPass() throws {
        #expect(try issues(try rule(#"{"type":"number","minimum":0}"#), "0").isEmpty)
        #expect(try issues(try rule(#"{"type":"integer"}"#), "2.0").isEmpty)  // JSON Schema: 2.0 is an integer
        #expect(try issues(try rule(#"{"type":["string","null"]}"#), "null").isEmpty)
        #expect(try issues(try rule(#"{"type":"string","format":"date-time"}"#), #""2026-01-01T10:00:00.123+02:00""#).isEmpty)
        #expect(try issues(try rule(#"{"type":"string","maxLength":2}"#), #""éé""#).isEmpty)  // characters, not bytes
    }

    @Test func nestedFieldsAreNamedByTheirPath() throws {
        let schema = #"{"type":"object","properties":{"legs":{"type":"array","items":{"type":"object","properties":{"odds":{"type":"number","exclusiveMinimum":1}}}}}}"#
        let found = try issues(try rule(schema), #"{"legs":[{"odds":2},{"odds":0.5}]}"#)
        #expect(found.map(\.field) == ["legs[1].odds"])
        #expect(found.first?.isStructural == false)
    }

    @Test(arguments: [
        ("^[a-z0-9_]{1,64}$", "soccer_epl", true), ("^[a-z0-9_]{1,64}$", "", false), ("^[a-z0-9_]{1,64}$", "a-b", false),
        ("^[A-Za-z0-9_-]+$", "djE_-x", true), ("^[A-Za-z0-9_-]+$", "a=", false), ("^[A-Z]{3}$", "EUR", true),
        ("^[A-Z]{3}$", "EURO", false), (#"^[^/\\]+$"#, "a.csv", true), (#"^[^/\\]+$"#, "a/b.csv", false),
        (#"^[^/\\]+$"#, #"a\b"#, false), (#"^[^/\\]+$"#, "é.csv", true), ("^(ab)+$", "abab", true), ("^(ab)+$", "aba", false),
    ])
    func patternsMatchAsECMAScriptWould(pattern: String, value: String, matches: Bool) throws {
        #expect(try StringPattern(pattern).matches(value) == matches)
    }

    @Test func theWholeContractCompiles() throws {
        let table = try ContractTable(document: try OpenAPIDocument.bundled())
        let list = try #require(table.contract(method: "GET", routePath: "/v1/opportunities"))
        #expect(list.queryIndex["cursor"] != nil && list.jsonBody == nil)
        #expect(table.contract(method: "HEAD", routePath: "/v1/opportunities") != nil)
        #expect(table.contract(method: "POST", routePath: "/v1/opportunities/{id}/shares")?.jsonBody?.required == true)
    }
}
