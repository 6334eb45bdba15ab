import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

@Suite("Admin platform settings", .hangGuard)
struct PlatformSettingsTests {
    static let dataKey = String(repeating: "ab", count: 32)

    func put(_ client: any TestClientProtocol, _ json: String, token: String) async throws -> TestResponse {
        try await client.postJSON("/v1/admin/settings", json, token: token, method: .put)
    }

    @Test func defaultsComeFromTheEnvironmentAndOnlyAdminsSeeThem() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_ODDS_API_KEY": "env-key-1234"])
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let response = try await client.get("/v1/admin/settings", token: admin)
            #expect(response.status == .ok)
            let body = try response.json()
            let key = try #require(body["odds_api_key"] as? [String: Any])
            #expect(key["source"] as? String == "environment")
            #expect(key["last4"] as? String == "1234")
            #expect(!response.text.contains("env-key-1234"))
            #expect(body["registration_open"] as? Bool == true)
            #expect(body["settlement_interval_seconds"] as? Int == 43_200)
            #expect(body["default_odds_interval_seconds"] as? Int == 900)
            let user = try await accounts.token(role: .user)
            #expect(try await client.get("/v1/admin/settings", token: user).status == .forbidden)
            #expect(try await put(client, #"{"registration_open":false}"#, token: user).status == .forbidden)
        }
    }

    @Test func theOddsAPIKeyIsStoredSealedAndNeverShown() async throws {
        let withoutKey = try await TestApp.make()
        try await withoutKey.test { client in
            let admin = try await TestAccounts(app: withoutKey, client: client).token(role: .admin)
            let refused = try await put(client, #"{"odds_api_key":"secret-key-abcd"}"#, token: admin)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("MONPS_DATA_KEY"))
        }
        let app = try await TestApp.make(overrides: ["MONPS_DATA_KEY": Self.dataKey])
        try await app.test { client in
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            let stored = try await put(client, #"{"odds_api_key":"secret-key-abcd"}"#, token: admin)
            #expect(stored.status == .ok)
            #expect(!stored.text.contains("secret-key-abcd"))
            let key = try #require(try stored.json()["odds_api_key"] as? [String: Any])
            #expect(key["source"] as? String == "settings")
            #expect(key["last4"] as? String == "abcd")
            let sealed = try #require(try await app.services.database.query(
                "SELECT odds_api_key_sealed FROM platform_settings").first?.decode(String?.self))
            #expect(!sealed.contains("secret-key"))
            #expect(app.services.platform.oddsAPIKey == "secret-key-abcd")
            #expect(try await app.services.database.count(
                "SELECT count(*) FROM audit_log WHERE action = 'platform.settings_changed' AND details::text NOT LIKE '%secret%'") == 1)
            #expect(try await put(client, #"{"odds_api_key":"bad key with spaces"}"#, token: admin).status == .unprocessableContent)
            let reset = try await put(client, #"{"reset":["odds_api_key"]}"#, token: admin)
            #expect((try reset.json()["odds_api_key"] as? [String: Any])?["source"] as? String == "none")
        }
    }

    @Test func registrationIntervalsAndRateLimitsTakeEffect() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            let register = #"{"email":"late@example.com","password":"Quartz-Lantern-47-Meadow","display_name":"Late"}"#
            #expect(try await put(client, #"{"registration_open":false}"#, token: admin).status == .ok)
            #expect(try await client.postJSON("/v1/auth/register", register).status == .forbidden)
            #expect(try await put(client, #"{"reset":["registration_open"]}"#, token: admin).status == .ok)
            #expect(try await client.postJSON("/v1/auth/register", register).status == .created)

            #expect(try await put(client, #"{"odds_intervals":{"curling":600}}"#, token: admin).status == .unprocessableContent)
            #expect(try await put(client, #"{"odds_intervals":{"soccer_epl":30}}"#, token: admin).status == .unprocessableContent)
            let intervals = try await put(
                client, #"{"odds_intervals":{"soccer_epl":300,"icehockey_nhl":1800},"settlement_interval_seconds":3600}"#,
                token: admin)
            #expect(intervals.status == .ok)
            let jobs = app.services.jobs
            #expect(jobs.jobs["odds.collect"]?.interval == .seconds(300))
            #expect(jobs.jobs["bets.settle"]?.interval == .seconds(3600))
            #expect(app.services.platform.oddsInterval(for: "icehockey_nhl") == .seconds(1800))
            #expect(app.services.platform.oddsInterval(for: "baseball_mlb") == .seconds(900))

            #expect(try await put(client, #"{"rate_limits":{"nope":{"*":{"limit":1,"window":1}}}}"#, token: admin).status == .unprocessableContent)
            let before = app.services.auth.rateLimitPolicies.current
            let limits = try await put(client, #"{"rate_limits":{"read":{"*":{"limit":7,"window":60}}}}"#, token: admin)
            #expect(limits.status == .ok)
            #expect(app.services.auth.rateLimitPolicies.current != before)
            #expect(try await put(client, #"{"unknown":1}"#, token: admin).status == .badRequest)
        }
    }
}
