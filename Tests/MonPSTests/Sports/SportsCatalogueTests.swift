import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Sports catalogue", .hangGuard)
struct SportsCatalogueTests {
    func keys(_ response: TestResponse) throws -> [String] {
        let data = try #require(try response.json()["data"] as? [[String: Any]])
        return data.compactMap { $0["key"] as? String }
    }

    @Test func listsSixGroupsOrderedByKey() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports?limit=200")
            #expect(response.status == .ok)
            let body = try response.json()
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 48)
            #expect(body["next_cursor"] is NSNull)
            let keys = data.compactMap { $0["key"] as? String }
            #expect(keys == keys.sorted())
            #expect(Set(data.compactMap { $0["group"] as? String }) == ["soccer", "tennis", "basketball", "baseball", "icehockey", "esports"])
            for required in ["soccer_epl", "soccer_germany_bundesliga", "tennis_atp", "tennis_wta", "basketball_nba",
                             "basketball_euroleague", "baseball_mlb", "icehockey_nhl", "esports_lol", "esports_cs2"] {
                #expect(keys.contains(required), "missing \(required)")
            }
            let epl = try #require(data.first { $0["key"] as? String == "soccer_epl" })
            #expect(epl["outcomes"] as? Int == 3)
            #expect(epl["has_draw"] as? Bool == true)
            #expect(epl["group_title"] as? String == "Football")
            let nhl = try #require(data.first { $0["key"] as? String == "icehockey_nhl" })
            #expect(nhl["outcomes"] as? Int == 2)
        }
    }

    /// Every football-data league code and extra-league country the importer knows is catalogued, with the same
    /// sport key in `sport_aliases` (migration 0018) as in the parser's table.
    @Test func everyFootballDataLeagueIsCataloguedWithItsAliases() async throws {
        let app = try await TestApp.make()
        let rows = try await app.services.withRunningDatabase {
            try await app.services.database.query(
                "SELECT a.alias, a.sport_key, s.outcomes::int FROM sport_aliases a JOIN sports s ON s.key = a.sport_key WHERE a.source = 'football-data' AND s.active"
            ).map { try $0.decode((String, String, Int).self) }
        }
        var stored: [String: String] = [:]
        for (alias, key, outcomes) in rows {
            stored[alias] = key
            #expect(outcomes == 3, "\(key)")
        }
        let codes = ["E0", "E1", "E2", "E3", "EC", "SC0", "SC1", "SC2", "SC3", "D1", "D2", "I1", "I2", "SP1", "SP2", "F1",
                     "F2", "N1", "B1", "P1", "T1", "G1", "ARG", "AUT", "BRA", "CHN", "DNK", "FIN", "IRL", "JPN", "MEX", "NOR",
                     "POL", "ROU", "RUS", "SWE", "SWZ", "USA"]
        #expect(Set(FootballDataParser.divisionSportKeys.keys) == Set(codes))
        var expected = FootballDataParser.divisionSportKeys
        for (country, code) in FootballDataParser.countryCodes { expected[country] = FootballDataParser.divisionSportKeys[code] }
        #expect(stored == expected)
        #expect(rows.count == 53)
    }

    @Test func filtersByGroup() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports?group=tennis")
            #expect(response.status == .ok)
            #expect(try keys(response) == ["tennis_atp", "tennis_wta"])
            #expect(try keys(try await client.get("/v1/sports?group=esports&limit=2")) == ["esports_cs2", "esports_dota2"])
        }
    }

    @Test func cursorPaginationVisitsEveryItemOnce() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/v1/sports?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
                let response = try await client.get(uri)
                #expect(response.status == .ok)
                let body = try response.json()
                seen += try keys(response)
                cursor = body["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 20
            #expect(pages == 10)
            #expect(seen.count == 48)
            #expect(Set(seen).count == 48)
            #expect(seen == seen.sorted())
        }
    }

    @Test(arguments: ["limit=0", "limit=201", "limit=-1", "cursor=not-a-cursor"])
    func invalidPagingIs400(query: String) async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports?\(query)")
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let body = try response.json()
            let field = (body["errors"] as? [[String: Any]])?.first?["field"] as? String
            #expect(field == String(query.prefix { $0 != "=" }))
        }
    }

    @Test func getsOneSportByKey() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/sports/basketball_nba")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["key"] as? String == "basketball_nba")
            #expect(body["group"] as? String == "basketball")
            #expect(body["title"] as? String == "NBA")
            #expect(body["odds_api_key"] as? String == "basketball_nba")

            let missing = try await client.get("/v1/sports/soccer_mars")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect((try missing.json()["detail"] as? String)?.contains("soccer_mars") == true)
        }
    }
}
