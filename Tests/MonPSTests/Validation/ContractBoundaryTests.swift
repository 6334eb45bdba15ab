import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

/// The validation boundary over HTTP (real PostgreSQL and Redis): requests that break the contract's constraints are
/// refused with a problem naming the field, and the contract and the code agree where schemathesis found them apart.
@Suite("Contract validation boundary", .hangGuard)
struct ContractBoundaryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method = .get
        var uri: String
        var body: String?
        var status: HTTPResponse.Status
        var slug: String
        var field: String
        var testDescription: String { "\(method.rawValue) \(uri) \(body ?? "")" }
    }

    static let someID = "5f0c6c0e-8a8e-4c43-9a57-3d1c9f1e2b7a"

    /// Each of these was answered 2xx (or without the field) before the boundary.
    static let cases: [Case] = [
        // pattern
        Case(uri: "/v1/agents/compare?sport=", status: .badRequest, slug: "invalid-parameter", field: "sport"),
        Case(uri: "/v1/bets?sport=Not%20A%20Key", status: .badRequest, slug: "invalid-parameter", field: "sport"),
        // minimum, on a body member
        Case(method: .post, uri: "/v1/opportunities/\(someID)/shares", body: #"{"expires_in_hours":-5}"#,
             status: .unprocessableContent, slug: "validation-failed", field: "expires_in_hours"),
        // maxLength of a query parameter
        Case(uri: "/v1/events?competition=" + String(repeating: "x", count: 201), status: .badRequest, slug: "invalid-parameter", field: "competition"),
        // maxItems
        Case(method: .post, uri: "/v1/calc/devig", body: #"{"odds":[\#(Array(repeating: "2.0", count: 65).joined(separator: ","))]}"#,
             status: .unprocessableContent, slug: "validation-failed", field: "odds"),
        // required
        Case(method: .post, uri: "/v1/bankrolls", body: #"{"currency":"EUR"}"#, status: .badRequest, slug: "bad-request", field: "name"),
        // unknown enum values, in the query and in a body
        Case(uri: "/v1/sports?group=cricket", status: .badRequest, slug: "invalid-parameter", field: "group"),
        Case(method: .post, uri: "/v1/bets/\(someID)/settle", body: #"{"status":"maybe"}"#, status: .badRequest, slug: "bad-request", field: "status"),
        // additionalProperties: false
        Case(method: .post, uri: "/v1/bets/\(someID)/settle", body: #"{"status":"won","extra":1}"#, status: .badRequest, slug: "bad-request", field: "extra"),
        // a path parameter's format
        Case(uri: "/v1/bankrolls/not-a-uuid", status: .badRequest, slug: "invalid-parameter", field: "id"),
        // the empty cursor the contract now forbids (minLength 1), with the field named
        Case(uri: "/v1/tokens?cursor=", status: .badRequest, slug: "invalid-parameter", field: "cursor"),
        // a 501-character note where the code allows 500 (the contract said 1000)
        Case(method: .post, uri: "/v1/bankrolls/\(someID)/transactions",
             body: #"{"kind":"deposit","amount":100,"note":"\#(String(repeating: "n", count: 501))"}"#,
             status: .unprocessableContent, slug: "validation-failed", field: "note"),
    ]

    @Test(arguments: cases)
    func refusedWithTheFieldNamed(_ testCase: Case) async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            if testCase.body != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(
                uri: testCase.uri, method: testCase.method, headers: headers, body: testCase.body.map { ByteBuffer(string: $0) })
            try response.expectProblem(testCase.status, slug: testCase.slug, field: testCase.field)
        }
    }

    @Test func validRequestsStillPass() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/agents/compare?sport=soccer_epl", token: token).status == .ok)
            #expect(try await client.get("/v1/sports?group=soccer&limit=200").status == .ok)
            #expect(try await client.postJSON("/v1/calc/devig", #"{"odds":[2.1,3.4,3.6],"method":"shin"}"#, token: token).status == .ok)
            // Fractions of a second are RFC 3339 date-times too (the runtime's reader refused them: a 400).
            #expect(try await client.get("/v1/bets?from=2026-01-01T00:00:00.5Z", token: token).status == .ok)
        }
    }

    /// Where schemathesis found the contract and the code apart, the contract now says what the code does.
    @Test func theContractSaysWhatTheCodeEnforces() throws {
        let document = try OpenAPIDocument.bundled()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(document.json)) as? [String: Any])
        let components = try #require(root["components"] as? [String: Any])
        let cursor = try #require((components["parameters"] as? [String: Any])?["Cursor"] as? [String: Any])
        #expect((cursor["schema"] as? [String: Any])?["minLength"] as? Int == 1)
        let schemas = try #require(components["schemas"] as? [String: Any])
        let transaction = try #require((schemas["CreateTransactionRequest"] as? [String: Any])?["properties"] as? [String: Any])
        #expect((transaction["note"] as? [String: Any])?["maxLength"] as? Int == 500)
        let shareResult = try #require((schemas["ShareResult"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(shareResult["unknown_emails"] == nil)
    }

    @Test func optionsOnALiteralRouteAdvertisesOnlyItsOwnMethods() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let summary = try await client.execute(uri: "/v1/bets/summary", method: .options, headers: [.authorization: "Bearer \(token)"])
            #expect(summary.status == .methodNotAllowed)
            #expect(summary.headers[.allow] == "GET, HEAD")
            // The parameter route beside it keeps its own methods.
            let bet = try await client.execute(uri: "/v1/bets/\(Self.someID)", method: .options, headers: [.authorization: "Bearer \(token)"])
            #expect(bet.headers[.allow] == "DELETE, GET, HEAD, PATCH")
        }
    }

    /// `run:backtests` (and a scope named twice) used to end in PostgreSQL's CHECK on `api_tokens.scopes`: a 500.
    @Test func aTokenWithEveryScopeOfItsOwnerAndDuplicatesIsCreated() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let response = try await client.postJSON(
                "/v1/tokens", #"{"name":"ci","scopes":["run:backtests","read:bets","read:bets"]}"#, token: token)
            #expect(response.status == .created, "\(response.text)")
            let scopes = (try response.json()["token"] as? [String: Any])?["scopes"] as? [String]
            #expect(scopes == ["read:bets", "run:backtests"])
        }
    }
}
