import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import MonPSCore
@testable import MonPS

@Suite("Events API: events, prices, line history, bookmakers", .hangGuard)
struct EventsAPITests {
    /// Loads two finished EPL matches and one upcoming NHL game (call inside `app.test`, services running).
    static func seed(_ app: TestApp) async throws -> [Int64] {
        let loader = OddsLoader(database: app.services.database, logger: TestEnvironment.logger)
        let upcoming = Date().addingTimeInterval(3 * 86_400)
        let nhl = ImportedEvent(
            sportKey: "icehockey_nhl", competition: "NHL", home: "Boston Bruins", away: "Toronto Maple Leafs",
            startsAt: upcoming, externalID: "nhl-1",
            snapshots: [
                SampleEvents.price("pinnacle", .h2h, .home, 1.80, at: upcoming.addingTimeInterval(-7200)),
                SampleEvents.price("pinnacle", .h2h, .away, 2.10, at: upcoming.addingTimeInterval(-7200)),
                SampleEvents.price("pinnacle", .h2h, .home, 1.75, at: upcoming.addingTimeInterval(-3600)),
                SampleEvents.price("pinnacle", .h2h, .away, 2.18, at: upcoming.addingTimeInterval(-3600)),
                SampleEvents.price("bet365", .h2h, .home, 1.83, at: upcoming.addingTimeInterval(-3600)),
                SampleEvents.price("bet365", .h2h, .away, 2.05, at: upcoming.addingTimeInterval(-3600)),
                SampleEvents.price("market_max", .h2h, .home, 1.95, at: upcoming.addingTimeInterval(-3600)),
            ],
            result: nil, sourceLine: 1)
        return try await loader.load(
            [SampleEvents.footballMatch(externalID: "m1"),
             SampleEvents.footballMatch(home: "Arsenal", away: "Chelsea", startsAt: SampleEvents.kickoff.addingTimeInterval(86_400), externalID: "m2"),
             nhl],
            source: .file(.genericCSV)).eventIDs
    }

    @Test func listsFiltersAndPagesEvents() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            _ = try await Self.seed(app)
            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            let all = try await client.get("/v1/events?limit=2", token: token)
            #expect(all.status == .ok)
            let first = try all.json()
            let page1 = try #require(first["data"] as? [[String: Any]])
            #expect(page1.map { ($0["home"] as? [String: Any])?["name"] as? String } == ["Man United", "Arsenal"])
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.get("/v1/events?limit=2&cursor=\(cursor)", token: token).json()
            let page2 = try #require(second["data"] as? [[String: Any]])
            #expect(page2.map { $0["sport"] as? String } == ["icehockey_nhl"])
            #expect(second["next_cursor"] is NSNull)

            let finished = try await client.get("/v1/events?status=finished&sport=soccer_epl", token: token).json()
            let finishedData = try #require(finished["data"] as? [[String: Any]])
            #expect(finishedData.count == 2)
            let result = try #require(finishedData.first?["result"] as? [String: Any])
            #expect(result["home_score"] as? Int == 2)
            #expect(result["winner"] as? String == "home")
            #expect(result["period_scores"] as? [[Int]] == [[1, 0]])

            // Any spelling of a participant finds its events.
            let byAlias = try await client.get("/v1/events?participant=Manchester%20Utd", token: token).json()
            #expect((byAlias["data"] as? [[String: Any]])?.count == 1)
            let recent = try await client.get("/v1/events?order=desc&limit=1", token: token).json()
            #expect(((recent["data"] as? [[String: Any]])?.first?["sport"] as? String) == "icehockey_nhl")
            let upcoming = try await client.get("/v1/events?from=2025-01-01T00:00:00Z", token: token).json()
            #expect((upcoming["data"] as? [[String: Any]])?.count == 1)

            #expect(try await client.get("/v1/events?status=bogus", token: token).status == .badRequest)
            #expect(try await client.get("/v1/events?cursor=nonsense", token: token).status == .badRequest)
            // An inverted window is empty, not an error (the contract's rule for every window).
            let inverted = try await client.get("/v1/events?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", token: token)
            #expect(inverted.status == .ok)
            #expect((try inverted.json()["data"] as? [Any])?.isEmpty == true)
            #expect(try await client.get("/v1/events").status == .unauthorized)
        }
    }

    @Test func eventOddsShowBestLatestAndClosing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ids = try await Self.seed(app)
            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            let nhlID = try #require(ids.last)
            let response = try await client.get("/v1/events/\(nhlID)/odds", token: token)
            #expect(response.status == .ok)
            let odds = try response.json()
            #expect(odds["started"] as? Bool == false)
            #expect((odds["closing"] as? [Any])?.isEmpty == true)
            let best = try #require(odds["best"] as? [[String: Any]])
            // The market maximum (an aggregate) never counts as best; bet365 1.83 beats pinnacle 1.75.
            let home = try #require(best.first { $0["outcome"] as? String == "home" })
            #expect(home["bookmaker"] as? String == "bet365")
            #expect(home["price"] as? Double == 1.83)
            let away = try #require(best.first { $0["outcome"] as? String == "away" })
            #expect(away["bookmaker"] as? String == "pinnacle")
            #expect(away["price"] as? Double == 2.18)
            #expect((odds["latest"] as? [Any])?.count == 5)

            let finished = try await client.get("/v1/events/\(ids[0])/odds?market=h2h", token: token).json()
            #expect(finished["started"] as? Bool == true)
            let closing = try #require(finished["closing"] as? [[String: Any]])
            let pinnacleAway = closing.first { $0["bookmaker"] as? String == "pinnacle" && $0["outcome"] as? String == "away" }
            #expect(pinnacleAway?["price"] as? Double == 4.10)
            #expect(closing.allSatisfy { $0["market"] as? String == "h2h" })

            #expect(try await client.get("/v1/events/999999/odds", token: token).status == .notFound)
            #expect(try await client.get("/v1/events/abc/odds", token: token).status == .badRequest)
        }
    }

    @Test func oddsHistoryGroupsSeriesInTimeOrder() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ids = try await Self.seed(app)
            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            let history = try await client.get("/v1/events/\(ids[2])/odds/history?bookmaker=pinnacle", token: token).json()
            let series = try #require(history["series"] as? [[String: Any]])
            #expect(series.count == 2)
            let home = try #require(series.first { $0["outcome"] as? String == "home" })
            let prices = (home["points"] as? [[String: Any]])?.compactMap { $0["price"] as? Double }
            #expect(prices == [1.80, 1.75])
            #expect(history["truncated"] as? Bool == false)
            let event = try await client.get("/v1/events/\(ids[0])", token: token).json()
            #expect((event["home"] as? [String: Any])?["name"] as? String == "Man United")
            #expect(event["competition"] as? String == "E0")
        }
    }

    @Test func bookmakersArePublicAndFlagTheSharpBook() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.get("/v1/bookmakers?sharp=true")
            #expect(response.status == .ok)
            let data = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(data.map { $0["key"] as? String } == ["pinnacle"])
            let all = try await client.get("/v1/bookmakers?limit=200").json()
            let market = (all["data"] as? [[String: Any]])?.first { $0["key"] as? String == "market_avg" }
            #expect(market?["aggregate"] as? Bool == true)
        }
    }
}
