import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import MonPSCore
@testable import MonPS

/// Accounts, bankrolls and events for the bankroll, settings and bet tests.
struct BettingFixture {
    let app: TestApp
    let client: any TestClientProtocol

    /// Generous rate limits: these suites make many writes from one client address.
    static func makeApp() async throws -> TestApp {
        try await TestApp.make(overrides: [
            "MONPS_RATE_LIMITS":
                #"{"auth":{"*":{"limit":1000,"window":60}},"write":{"*":{"limit":10000,"window":60}},"read":{"*":{"limit":10000,"window":60}}}"#
        ])
    }

    struct User {
        var token: String
        var id: UUID
    }

    func user(role: Role = .user) async throws -> User {
        let token = try await TestAccounts(app: app, client: client).token(role: role)
        let me = try await client.get("/v1/me", token: token).json()
        let raw = try #require(me["id"] as? String)
        return User(token: token, id: try #require(UUID(uuidString: raw)))
    }

    /// Creates a bankroll over HTTP and returns its JSON.
    func bankroll(_ user: User, name: String = "Main", currency: String = "EUR", initial: Int64 = 100_000) async throws
        -> [String: Any]
    {
        let response = try await client.postJSON(
            "/v1/bankrolls", #"{"name":"\#(name)","currency":"\#(currency)","initial_amount":\#(initial)}"#, token: user.token)
        guard response.status == .created else { throw TestFailure("bankroll: \(response.status) \(response.text)") }
        return try response.json()
    }

    func bankrollID(_ user: User, name: String = "Main", currency: String = "EUR", initial: Int64 = 100_000) async throws
        -> String
    {
        try #require(try await bankroll(user, name: name, currency: currency, initial: initial)["id"] as? String)
    }

    func balance(_ user: User, _ bankrollID: String) async throws -> Int64 {
        let body = try await client.get("/v1/bankrolls/\(bankrollID)", token: user.token).json()
        return try #require((body["balance"] as? NSNumber)?.int64Value)
    }

    /// Places a bet over HTTP (`fields` is the JSON body without braces).
    func placeBet(_ user: User, _ fields: String) async throws -> TestResponse {
        try await client.postJSON("/v1/bets", "{\(fields)}", token: user.token)
    }

    func delete(_ uri: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .delete, headers: [.authorization: "Bearer \(token)"])
    }

    /// An upcoming NHL game (two-way) priced by pinnacle 1.90/1.90 and bet365 2.20/1.70, and an upcoming EPL match
    /// (three-way) priced by pinnacle 2.00/3.50/4.00. Returns (nhl, epl, finished EPL match).
    func seedEvents() async throws -> (nhl: Int64, epl: Int64, finished: Int64) {
        let loader = OddsLoader(database: app.services.database, logger: TestEnvironment.logger)
        let start = Date().addingTimeInterval(3 * 86_400)
        let seen = Date().addingTimeInterval(-60)
        let nhl = ImportedEvent(
            sportKey: "icehockey_nhl", competition: "NHL", home: "Boston Bruins", away: "Toronto Maple Leafs",
            startsAt: start, externalID: "bets-nhl-1",
            snapshots: [
                SampleEvents.price("pinnacle", .h2h, .home, 1.90, at: seen),
                SampleEvents.price("pinnacle", .h2h, .away, 1.90, at: seen),
                SampleEvents.price("bet365", .h2h, .home, 2.20, at: seen),
                SampleEvents.price("bet365", .h2h, .away, 1.70, at: seen),
                SampleEvents.price("pinnacle", .totals, .over, 1.95, point: 5.5, at: seen),
                SampleEvents.price("pinnacle", .totals, .under, 1.95, point: 5.5, at: seen),
            ],
            result: nil, sourceLine: 1)
        let epl = ImportedEvent(
            sportKey: "soccer_epl", competition: "E0", home: "Arsenal", away: "Chelsea", startsAt: start,
            externalID: "bets-epl-1",
            snapshots: [
                SampleEvents.price("pinnacle", .h2h, .home, 2.00, at: seen),
                SampleEvents.price("pinnacle", .h2h, .draw, 3.50, at: seen),
                SampleEvents.price("pinnacle", .h2h, .away, 4.00, at: seen),
            ],
            result: nil, sourceLine: 2)
        let ids = try await loader.load(
            [nhl, epl, SampleEvents.footballMatch(externalID: "bets-finished")], source: .file(.genericCSV)).eventIDs
        return (ids[0], ids[1], ids[2])
    }

    /// Sum of the ledger, last balance_after, smallest balance_after and whether every entry continues the previous one.
    func ledger(_ bankrollID: UUID) async throws -> (sum: Int64, last: Int64, minimum: Int64, chained: Bool) {
        let rows = try await app.services.database.query(
            "SELECT amount, balance_after FROM bankroll_entries WHERE bankroll_id = \(bankrollID) ORDER BY id")
        var sum: Int64 = 0
        var minimum = Int64.max
        var chained = true
        for row in rows {
            let (amount, after) = try row.decode((Int64, Int64).self)
            sum += amount
            if after != sum { chained = false }
            minimum = min(minimum, after)
        }
        return (sum, sum, rows.isEmpty ? 0 : minimum, chained)
    }
}

extension TestResponse {
    /// Checks an RFC 9457 problem: status, media type, `type` slug and (optionally) a named field.
    func expectProblem(
        _ status: HTTPResponse.Status, slug: String? = nil, field: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/problem+json") == true, sourceLocation: sourceLocation)
        let body = try json()
        #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        if let slug {
            #expect(body["type"] as? String == "https://monps.dev/problems/\(slug)", "\(text)", sourceLocation: sourceLocation)
        }
        if let field {
            let fields = (body["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains(field), "\(text)", sourceLocation: sourceLocation)
        }
        #expect((body["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    func int64(_ key: String) throws -> Int64 {
        try #require((try json()[key] as? NSNumber)?.int64Value)
    }
}
