import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

@Suite("Feeds: POST /v1/feeds/odds", .hangGuard)
struct OddsFeedTests {
    /// Two esports series: a CS2 best of 3 (match winner, map handicap, total maps; finished 2–1) and an upcoming LoL
    /// series with match-winner prices only.
    static let batch = """
        {"source": "pandascore", "events": [
          {"id": "cs2-1001", "sport_key": "esports_cs2", "competition": "IEM Katowice", "starts_at": "2026-02-01T15:00:00Z",
           "home": "Team Vitality", "away": "Natus Vincere",
           "prices": [
             {"bookmaker": "pinnacle", "market": "h2h", "outcome": "home", "price": 1.62, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "pinnacle", "market": "h2h", "outcome": "away", "price": 2.38, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "pinnacle", "market": "spreads", "outcome": "home", "point": -1.5, "price": 2.6, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "pinnacle", "market": "spreads", "outcome": "away", "point": 1.5, "price": 1.5, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "ggbet", "market": "totals", "outcome": "over", "point": 2.5, "price": 2.05, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "ggbet", "market": "totals", "outcome": "under", "point": 2.5, "price": 1.75, "captured_at": "2026-02-01T12:00:00Z"}
           ],
           "result": {"status": "finished", "home_score": 2, "away_score": 1, "winner": "home"}},
          {"id": "lol-77", "sport_key": "esports_lol", "competition": "LEC", "starts_at": "2026-02-02T17:00:00Z",
           "home": "G2 Esports", "away": "Fnatic",
           "prices": [
             {"bookmaker": "pinnacle", "market": "h2h", "outcome": "home", "price": 1.45, "captured_at": "2026-02-01T12:00:00Z"},
             {"bookmaker": "pinnacle", "market": "h2h", "outcome": "away", "price": 2.8, "captured_at": "2026-02-01T12:00:00Z"}
           ]}
        ]}
        """

    func counts(_ app: TestApp) async throws -> [Int] {
        let database = app.services.database
        return [
            try await database.count("SELECT count(*) FROM event_external_ids WHERE source = 'feed-pandascore'"),
            try await database.count("SELECT count(*) FROM events"),
            try await database.count("SELECT count(*) FROM odds_snapshots"),
            try await database.count("SELECT count(*) FROM event_results"),
        ]
    }

    @Test func aBatchLoadsOnceAndTheSameBatchAgainAddsNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            let first = try await client.postJSON("/v1/feeds/odds", Self.batch, token: admin)
            #expect(first.status == .ok)
            let report = try first.json()
            #expect(report["source"] as? String == "pandascore" && report["events_received"] as? Int == 2)
            #expect(report["events_created"] as? Int == 2 && report["events_matched"] as? Int == 0)
            #expect(report["snapshots_added"] as? Int == 8 && report["results_stored"] as? Int == 1)
            #expect(try await counts(app) == [2, 2, 8, 1])

            let again = try await client.postJSON("/v1/feeds/odds", Self.batch, token: admin)
            #expect(again.status == .ok)
            let second = try again.json()
            #expect(second["events_created"] as? Int == 0 && second["events_matched"] as? Int == 2)
            #expect(second["snapshots_added"] as? Int == 0 && second["snapshots_known"] as? Int == 8)
            #expect(second["results_stored"] as? Int == 0)
            #expect(try await counts(app) == [2, 2, 8, 1])
            let result = try await app.services.database.query(
                "SELECT r.home_score, r.away_score, r.winner FROM event_results r JOIN event_external_ids x ON x.event_id = r.event_id WHERE x.external_id = 'cs2-1001'"
            ).map { try $0.decode((Int, Int, String).self) }
            #expect(result.count == 1 && result[0] == (2, 1, "home"))
        }
    }

    @Test func badItemsAreNamedAndNothingIsWritten() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            let bad = """
                {"source": "pandascore", "events": [
                  {"id": "ok-1", "sport_key": "esports_dota2", "starts_at": "2026-02-01T15:00:00Z", "home": "Team Spirit", "away": "Tundra",
                   "prices": [{"bookmaker": "pinnacle", "market": "h2h", "outcome": "home", "price": 1.9, "captured_at": "2026-02-01T12:00:00Z"}]},
                  {"id": "x-2", "sport_key": "esports_starcraft", "starts_at": "2026-02-01T15:00:00Z", "home": "Serral", "away": "Clem"},
                  {"id": "x-3", "sport_key": "esports_valorant", "starts_at": "2026-02-01T15:00:00Z", "home": "Sentinels", "away": "LOUD",
                   "prices": [
                     {"bookmaker": "pinnacle", "market": "h2h", "outcome": "home", "price": 1.7, "captured_at": "2026-02-01T12:00:00Z"},
                     {"bookmaker": "pinnacle", "market": "totals", "outcome": "draw", "point": 2.5, "price": 1.7, "captured_at": "2026-02-01T12:00:00Z"},
                     {"bookmaker": "pinnacle", "market": "spreads", "outcome": "home", "price": 1.7, "captured_at": "2026-02-01T12:00:00Z"}
                   ],
                   "result": {"status": "finished", "home_score": 0, "away_score": 2, "winner": "home"}},
                  {"id": "ok-1", "sport_key": "esports_cs2", "starts_at": "2026-02-01T15:00:00Z", "home": "FaZe", "away": "FaZe"},
                  {"id": "x-5", "sport_key": "esports_lol", "starts_at": "2026-02-01T15:00:00Z", "home": "T1", "away": "Gen.G",
                   "result": {"status": "walkover"}}
                ]}
                """
            let response = try await client.postJSON("/v1/feeds/odds", bad, token: admin)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = try response.json()
            #expect(body["detail"] as? String == "7 item(s) of the batch cannot be stored; nothing was written")
            let errors = try #require(body["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["field"] as? String } == [
                "events[1]", "events[2].prices[1]", "events[2].prices[2]", "events[2].result", "events[3].id", "events[3]",
                "events[4].result",
            ])
            #expect(errors[0]["message"] as? String == "unknown sport key 'esports_starcraft'")
            #expect(errors[1]["message"] as? String == "outcome 'draw' not in market totals")
            #expect(errors[2]["message"] as? String == "spreads price without a valid line")
            #expect(errors[3]["message"] as? String == "winner 'home' contradicts the score 0-2")
            #expect(errors[4]["message"] as? String == "the same id as events[0]")
            #expect((errors[6]["message"] as? String)?.contains("advancing side") == true)
            #expect(try await counts(app) == [0, 0, 0, 0])
            // The contract's own checks come first: a price of 1 is a 422 from the schema, naming the field.
            let schema = try await client.postJSON(
                "/v1/feeds/odds",
                #"{"source":"pandascore","events":[{"id":"a","sport_key":"esports_cs2","starts_at":"2026-02-01T15:00:00Z","home":"A","away":"B","prices":[{"bookmaker":"x","market":"h2h","outcome":"home","price":1,"captured_at":"2026-02-01T12:00:00Z"}]}]}"#,
                token: admin)
            #expect(schema.status == .unprocessableContent)
            #expect(try await counts(app) == [0, 0, 0, 0])
        }
    }

    @Test func onlyWriteOddsMayPush() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let user = try await accounts.token(role: .user)
            #expect(try await client.postJSON("/v1/feeds/odds", Self.batch, token: user).status == .forbidden)
            #expect(try await client.postJSON("/v1/feeds/odds", Self.batch).status == .unauthorized)
            // A user cannot even mint a feeder token; an admin can, and the token pushes.
            let refused = try await client.postJSON("/v1/tokens", #"{"name":"feeder","scopes":["write:odds"]}"#, token: user)
            #expect(refused.status == .forbidden || refused.status == .unprocessableContent)
            let admin = try await accounts.token(role: .admin)
            let created = try await client.postJSON("/v1/tokens", #"{"name":"feeder","scopes":["write:odds"]}"#, token: admin)
            #expect(created.status == .created)
            let feeder = try #require(try created.json()["secret"] as? String)
            #expect(try await client.postJSON("/v1/feeds/odds", Self.batch, token: feeder).status == .ok)
            #expect(try await client.get("/v1/bets", token: feeder).status == .forbidden)  // write:odds only
        }
    }
}
