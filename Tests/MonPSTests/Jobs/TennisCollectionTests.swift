import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Jobs: live tennis, tournaments discovered from /v4/sports", .hangGuard)
struct TennisCollectionTests {
    static func listing(_ keys: [(key: String, title: String, outrights: Bool)]) -> String {
        "[" + keys.map { key, title, outrights in
            #"{"key": "\#(key)", "group": "Tennis", "title": "\#(title)", "description": "", "active": true, "has_outrights": \#(outrights)}"#
        }.joined(separator: ",") + "]"
    }

    /// One ATP match two days ahead, priced ten minutes ago by two books.
    static func odds() -> String {
        let iso = ISO8601DateFormatter()
        let start = iso.string(from: Date().addingTimeInterval(2 * 86_400))
        let seen = iso.string(from: Date().addingTimeInterval(-600))
        func book(_ key: String, _ home: Double, _ away: Double) -> String {
            #"{"key": "\#(key)", "title": "\#(key)", "last_update": "\#(seen)", "markets": [{"key": "h2h", "last_update": "\#(seen)", "outcomes": [{"name": "Jannik Sinner", "price": \#(home)}, {"name": "Carlos Alcaraz", "price": \#(away)}]}]}"#
        }
        return #"[{"id": "ao-2026-sf1", "sport_key": "tennis_atp_aus_open", "sport_title": "ATP Australian Open", "commence_time": "\#(start)", "home_team": "Jannik Sinner", "away_team": "Carlos Alcaraz", "bookmakers": [\#(book("pinnacle", 1.8, 2.05)), \#(book("williamhill", 1.75, 2.1))]}]"#
    }

    @Test func aTournamentIsCollectedWhileListedAndDroppedWhenItEnds() async throws {
        let server = OddsAPIFakeServer()
        let open = Self.listing([
            ("soccer_epl", "EPL", false), ("tennis_atp_aus_open", "ATP Australian Open", false),
            ("tennis_atp_aus_open_winner", "ATP Australian Open Winner", true),
            ("tennis_wta_aus_open", "WTA Australian Open", false), ("tennis_itf_x", "ITF", false),
        ])
        let nextWeek = Self.listing([("soccer_epl", "EPL", false), ("tennis_wta_qatar_open", "WTA Qatar Open", false)])
        server.stub("/v4/sports", .json(open, quota: (500, 0, 0)), .json(nextWeek, quota: (498, 2, 0)))
        server.stub("/v4/sports/tennis_atp_aus_open/odds", .json(Self.odds(), quota: (499, 1, 1)))
        server.stub("/v4/sports/tennis_wta_aus_open/odds", .json("[]", quota: (498, 2, 1)))
        server.stub("/v4/sports/tennis_wta_qatar_open/odds", .json("[]", quota: (497, 3, 1)))
        try await server.run { port in
            let app = try await TestApp.make(overrides: [
                "MONPS_ODDS_API_URL": "http://127.0.0.1:\(port)", "MONPS_ODDS_API_KEY": "test-key-123",
            ])
            try await app.test { _ in
                let database = app.services.database
                try await database.query("UPDATE sports SET active = (key IN ('tennis_atp', 'tennis_wta'))")
                let first = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(first.status == .succeeded && first.errors == 0, "\(first.message ?? "")")
                #expect(first.creditsUsed == 2)
                #expect(server.received(path: "/v4/sports/tennis_atp_aus_open/odds").count == 1)
                #expect(server.received(path: "/v4/sports/tennis_wta_aus_open/odds").count == 1)
                // Outrights, other tours and inactive catalogue sports are never asked for.
                #expect(server.received(path: "/v4/sports/tennis_atp_aus_open_winner/odds").isEmpty)
                #expect(server.received(path: "/v4/sports/tennis_itf_x/odds").isEmpty)
                #expect(server.received(path: "/v4/sports/soccer_epl/odds").isEmpty)
                let stored = try await database.query(
                    """
                    SELECT e.sport_key, c.name FROM events e JOIN competitions c ON c.id = e.competition_id
                    JOIN event_external_ids x ON x.event_id = e.id WHERE x.source = 'odds-api' AND x.external_id = 'ao-2026-sf1'
                    """
                ).map { try $0.decode((String, String).self) }
                #expect(stored.count == 1 && stored.first?.0 == "tennis_atp" && stored.first?.1 == "ATP Australian Open")
                #expect(try await database.count("SELECT count(*) FROM odds_snapshots WHERE source = 'odds-api'") == 4)

                // The next week the Australian Open is gone from the listing and Doha has started.
                let second = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(second.status == .succeeded && second.errors == 0, "\(second.message ?? "")")
                #expect(server.received(path: "/v4/sports/tennis_atp_aus_open/odds").count == 1)
                #expect(server.received(path: "/v4/sports/tennis_wta_aus_open/odds").count == 1)
                #expect(server.received(path: "/v4/sports/tennis_wta_qatar_open/odds").count == 1)
                // Switching a tour off in the catalogue stops its tournaments too.
                try await database.query("UPDATE sports SET active = false WHERE key = 'tennis_wta'")
                _ = try await app.services.jobs.runNow("odds.collect", trigger: .manual)
                #expect(server.received(path: "/v4/sports/tennis_wta_qatar_open/odds").count == 1)
            }
        }
    }

    @Test func tournamentsMapToTheirTour() {
        func sport(_ key: String, active: Bool = true, outrights: Bool = false) -> OddsAPISport {
            OddsAPISport(key: key, group: "Tennis", title: key, description: "", active: active, hasOutrights: outrights)
        }
        let listed = [
            sport("tennis_wta_wimbledon"), sport("tennis_atp_wimbledon"), sport("tennis_atp_us_open", active: false),
            sport("tennis_atp_wimbledon_winner", outrights: true), sport("tennis_atpx"), sport("soccer_epl"),
        ]
        let found = OddsFeed.tennisTournaments(listed, activeTours: ["tennis_atp", "tennis_wta"])
        #expect(found.map(\.key) == ["tennis_atp", "tennis_wta"])
        #expect(found.map(\.oddsAPIKey) == ["tennis_atp_wimbledon", "tennis_wta_wimbledon"])
        #expect(OddsFeed.tennisTournaments(listed, activeTours: ["tennis_wta"]).map(\.oddsAPIKey) == ["tennis_wta_wimbledon"])
    }
}
