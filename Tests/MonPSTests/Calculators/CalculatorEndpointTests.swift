import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

@Suite("Calculator endpoints and body errors", .hangGuard)
struct CalculatorEndpointTests {
    /// POSTs as a signed-in user (the calculators are open to any authenticated caller).
    func post(
        _ client: any TestClientProtocol, _ uri: String, _ json: String, token: String, contentType: String = "application/json"
    ) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .post, headers: [.contentType: contentType, .authorization: "Bearer \(token)"],
            body: ByteBuffer(string: json))
    }

    @Test func calculatorsNeedAuthentication() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.execute(
                uri: "/v1/calc/devig", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"odds":[2.1,3.4,3.6]}"#))
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }

    func numbers(_ value: Any?) -> [Double] { (value as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? [] }

    @Test func devigShinMatchesTheWorkedExample() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let response = try await post(client, "/v1/calc/devig", #"{"odds":[2.10,3.40,3.60],"method":"shin"}"#, token: token)
            #expect(response.status == .ok)
            let body = try response.json()
            let probabilities = numbers(body["probabilities"])
            #expect(probabilities.count == 3)
            #expect(abs(probabilities[0] - 0.458666) < 1e-6)
            #expect(abs(probabilities[1] - 0.278738) < 1e-6)
            #expect(abs(probabilities[2] - 0.262597) < 1e-6)
            #expect(abs((body["parameter"] as? Double ?? 0) - 0.024083) < 1e-6)
            #expect(body["method"] as? String == "shin")
        }
    }

    @Test func kellyEVCLVAndSettle() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let kelly = try await post(client, "/v1/calc/kelly", #"{"bets":[{"odds":2.5,"probability":0.5}],"multiplier":0.5,"bankroll":100000}"#, token: token)
            #expect(kelly.status == .ok)
            // f* = (0.5·2.5 − 1)/(2.5 − 1) = 1/6; half Kelly = 1/12 of 100 000 → 8333 (rounded down).
            #expect((try kelly.json()["stakes"] as? [Int]) == [8333])

            let ev = try await post(client, "/v1/calc/ev", #"{"odds":2.2,"probability":0.5}"#, token: token)
            #expect(abs((try ev.json()["expected_value"] as? Double ?? 0) - 0.1) < 1e-12)

            let clv = try await post(client, "/v1/calc/clv", #"{"bet_odds":2.5,"fair_closing_odds":2.0}"#, token: token)
            let clvBody = try clv.json()
            #expect(abs((clvBody["clv"] as? Double ?? 0) - 0.25) < 1e-12)
            #expect(clvBody["beat_close"] as? Bool == true)

            let settle = try await post(
                client, "/v1/calc/settle",
                #"{"stake":1000,"odds":1.9,"market":{"type":"handicap","selection":"home","line":-0.75},"event":{"status":"completed","home_score":2,"away_score":1}}"#, token: token)
            let settled = try settle.json()
            // Home −0.75 winning by one: half won at 1.90 (500·1.9 = 950) + half pushed (500) → 1450.
            #expect(settled["outcome"] as? String == "half_won")
            #expect(settled["payout"] as? Int == 1450)
            #expect(settled["profit"] as? Int == 450)
        }
    }

    @Test func impossibleValuesAre422NamingTheField() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let response = try await post(client, "/v1/calc/devig", #"{"odds":[1.0,2.0]}"#, token: token)
            #expect(response.status == .unprocessableContent)
            let body = try response.json()
            // The contract bounds odds (1.001–10,000): the validation boundary answers, naming the element.
            #expect(body["type"] as? String == "https://monps.dev/problems/validation-failed")
            #expect((body["detail"] as? String)?.contains("odds[0]") == true)
            let arbitrage = try await post(client, "/v1/calc/devig", #"{"odds":[2.2,2.2]}"#, token: token)
            #expect(arbitrage.status == .unprocessableContent)
            let settle = try await post(
                client, "/v1/calc/settle",
                #"{"stake":100,"odds":2,"market":{"type":"handicap","selection":"home"},"event":{"status":"completed","home_score":1,"away_score":0}}"#, token: token)
            #expect(settle.status == .unprocessableContent)
            #expect((try settle.json()["detail"] as? String)?.contains("market.line") == true)
        }
    }

    @Test func malformedJSONIs400WithTheParseError() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let response = try await post(client, "/v1/calc/devig", #"{"odds":[2.1, 3.4"#, token: token)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let detail = try response.json()["detail"] as? String
            #expect(detail?.hasPrefix("malformed JSON") == true)

            let missing = try await post(client, "/v1/calc/devig", #"{"method":"shin"}"#, token: token)
            #expect(missing.status == .badRequest)
            #expect((try missing.json()["detail"] as? String)?.contains("odds") == true)

            let wrongType = try await post(client, "/v1/calc/devig", #"{"odds":"2.1,3.4"}"#, token: token)
            #expect(wrongType.status == .badRequest)

            let badEnum = try await post(client, "/v1/calc/devig", #"{"odds":[2.1,3.4],"method":"magic"}"#, token: token)
            #expect(badEnum.status == .badRequest)
        }
    }

    @Test func wrongMediaTypeIs415() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let response = try await post(client, "/v1/calc/devig", "odds=2.1,3.4", token: token, contentType: "text/plain")
            #expect(response.status == .unsupportedMediaType)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect(try response.json()["status"] as? Int == 415)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_MAX_BODY_BYTES": "2048"])
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let odds = Array(repeating: "2.0", count: 1000).joined(separator: ",")
            let response = try await post(client, "/v1/calc/devig", #"{"odds":[\#(odds)]}"#, token: token)
            #expect(response.status == .contentTooLarge)
            let body = try response.json()
            #expect(body["type"] as? String == "https://monps.dev/problems/payload-too-large")
            #expect((body["detail"] as? String)?.contains("2048") == true)
        }
    }
}
