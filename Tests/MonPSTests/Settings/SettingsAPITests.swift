import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Settings API: per-user betting preferences", .hangGuard)
struct SettingsAPITests {
    @Test func defaultsThenReplaceThenResetToDefaults() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let defaults = try await client.get("/v1/settings", token: alice.token).json()
            #expect(defaults["kelly_fraction"] as? Double == 0.25)
            #expect(defaults["max_stake_pct"] as? Double == 5)
            #expect(defaults["min_edge"] as? Double == 0.02)
            #expect(defaults["devig_method"] as? String == "shin")
            #expect(defaults["sharp_bookmaker"] as? String == "pinnacle")
            #expect(defaults["time_zone"] as? String == "UTC")
            #expect(defaults["default_bankroll_id"] == nil)
            #expect(defaults["updated_at"] == nil)
            let alerts = try #require(defaults["alerts"] as? [String: Any])
            #expect(alerts["email"] as? Bool == false && alerts["websocket"] as? Bool == true)
            #expect(alerts["webhook"] as? Bool == false && alerts["min_edge"] as? Double == 0.10)

            let bankroll = try await fixture.bankrollID(alice)
            let body = """
                {"default_bankroll_id":"\(bankroll)","kelly_fraction":0.5,"max_stake_pct":2.5,"min_edge":0.01,
                 "devig_method":"power","sharp_bookmaker":"betfair_ex","time_zone":"Europe/Paris",
                 "alerts":{"email":true,"websocket":false,"webhook":true,"min_edge":0.05}}
                """
            let saved = try await client.postJSON("/v1/settings", body, token: alice.token, method: .put)
            #expect(saved.status == .ok)
            let read = try await client.get("/v1/settings", token: alice.token).json()
            #expect(read["default_bankroll_id"] as? String == bankroll)
            #expect(read["kelly_fraction"] as? Double == 0.5)
            #expect(read["max_stake_pct"] as? Double == 2.5)
            #expect(read["min_edge"] as? Double == 0.01)
            #expect(read["devig_method"] as? String == "power")
            #expect(read["sharp_bookmaker"] as? String == "betfair_ex")
            #expect(read["time_zone"] as? String == "Europe/Paris")
            #expect((read["alerts"] as? [String: Any])?["min_edge"] as? Double == 0.05)
            #expect(read["updated_at"] is String)

            // PUT replaces: what is omitted takes its default.
            let reset = try await client.postJSON("/v1/settings", #"{"kelly_fraction":0.1}"#, token: alice.token, method: .put).json()
            #expect(reset["kelly_fraction"] as? Double == 0.1)
            #expect(reset["devig_method"] as? String == "shin")
            #expect(reset["default_bankroll_id"] == nil)
        }
    }

    @Test func invalidSettingsAre422WithTheField() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let bob = try await fixture.user()
            let bobs = try await fixture.bankrollID(bob)
            let cases: [(String, String)] = [
                (#"{"kelly_fraction":0}"#, "kelly_fraction"), (#"{"kelly_fraction":1.5}"#, "kelly_fraction"),
                (#"{"max_stake_pct":0}"#, "max_stake_pct"), (#"{"max_stake_pct":101}"#, "max_stake_pct"),
                (#"{"min_edge":-0.1}"#, "min_edge"), (#"{"time_zone":"Mars/Olympus_Mons"}"#, "time_zone"),
                (#"{"sharp_bookmaker":"market_max"}"#, "sharp_bookmaker"), (#"{"sharp_bookmaker":"Nobody!"}"#, "sharp_bookmaker"),
                (#"{"default_bankroll_id":"\#(bobs)"}"#, "default_bankroll_id"),
                (#"{"default_bankroll_id":"nope"}"#, "default_bankroll_id"),
                (#"{"alerts":{"email":true,"websocket":true,"webhook":true,"min_edge":-1}}"#, "alerts.min_edge"),
            ]
            for (body, field) in cases {
                try await client.postJSON("/v1/settings", body, token: alice.token, method: .put)
                    .expectProblem(.unprocessableContent, slug: "validation-failed", field: field)
            }
            try await client.postJSON("/v1/settings", #"{"devig_method":"vibes"}"#, token: alice.token, method: .put)
                .expectProblem(.badRequest)
            try await client.postJSON("/v1/settings", #"{"kelly_fraction":"#, token: alice.token, method: .put)
                .expectProblem(.badRequest)
            // An archived bankroll cannot be the default.
            let archived = try await fixture.bankrollID(alice, name: "Old")
            _ = try await client.postJSON("/v1/bankrolls/\(archived)", #"{"archived":true}"#, token: alice.token, method: .patch)
            try await client.postJSON("/v1/settings", #"{"default_bankroll_id":"\#(archived)"}"#, token: alice.token, method: .put)
                .expectProblem(.unprocessableContent, field: "default_bankroll_id")
            // Nothing was saved by the refused requests.
            #expect(try await client.get("/v1/settings", token: alice.token).json()["updated_at"] == nil)
        }
    }

    @Test func viewersReadButCannotWriteSettings() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let viewer = try await fixture.user(role: .viewer)
            #expect(try await client.get("/v1/settings", token: viewer.token).status == .ok)
            try await client.postJSON("/v1/settings", #"{"kelly_fraction":0.5}"#, token: viewer.token, method: .put)
                .expectProblem(.forbidden)
            try await client.get("/v1/settings").expectProblem(.unauthorized)
        }
    }
}
