import Foundation
import Testing
import MonPSCore

@testable import MonPS

@Suite("The Odds API – odds, events and sports mapping", .hangGuard)
struct OddsAPIOddsTests {
    private typealias V = OddsAPITestValues
    private static let oddsPath = "/v4/sports/soccer_epl/odds"

    private func price(
        _ bookmaker: String, _ market: MarketType, _ outcome: PriceOutcome, _ price: Double, point: Double? = nil, at: String?
    ) -> ImportedPrice {
        ImportedPrice(
            bookmakerKey: bookmaker, market: market, outcome: outcome, point: point, price: price,
            capturedAt: at.map(V.date) ?? V.now, isClosing: false)
    }

    @Test("a documented odds payload maps to exact events and prices")
    func happyOdds() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .json(OddsAPIFixtures.odds, quota: (remaining: 491, used: 9, last: 9)))
            let batch = try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl")

            #expect(batch.issues.isEmpty)
            #expect(batch.receivedAt == V.now)
            let expected = [
                ImportedEvent(
                    sportKey: "soccer_epl", competition: "EPL", home: "Arsenal", away: "Chelsea",
                    startsAt: V.date("2025-08-16T14:00:00Z"), externalID: "e912304de2b2ce35b473ce2ecd3d1502",
                    snapshots: [
                        price("pinnacle", .h2h, .home, 2.1, at: "2025-08-15T09:59:00Z"),
                        price("pinnacle", .h2h, .away, 3.6, at: "2025-08-15T09:59:00Z"),
                        price("pinnacle", .h2h, .draw, 3.4, at: "2025-08-15T09:59:00Z"),
                        price("pinnacle", .spreads, .home, 1.95, point: -0.5, at: "2025-08-15T09:59:01Z"),
                        price("pinnacle", .spreads, .away, 1.91, point: 0.5, at: "2025-08-15T09:59:01Z"),
                        // No market timestamp: the bookmaker's.
                        price("pinnacle", .totals, .over, 1.87, point: 2.5, at: "2025-08-15T09:59:05Z"),
                        price("pinnacle", .totals, .under, 2.02, point: 2.5, at: "2025-08-15T09:59:05Z"),
                        price("williamhill", .h2h, .home, 2.05, at: "2025-08-15T09:57:30Z"),
                        price("williamhill", .h2h, .draw, 3.3, at: "2025-08-15T09:57:30Z"),
                        price("williamhill", .h2h, .away, 3.5, at: "2025-08-15T09:57:30Z"),
                        // No timestamp at all: the response time; h2h_lay ignored.
                        price("betfair_ex_uk", .h2h, .home, 2.12, at: nil),
                        price("betfair_ex_uk", .h2h, .away, 3.75, at: nil),
                        price("betfair_ex_uk", .h2h, .draw, 3.55, at: nil),
                    ],
                    result: nil, sourceLine: 1),
                ImportedEvent(
                    sportKey: "soccer_epl", competition: "EPL", home: "Liverpool", away: "Everton",
                    startsAt: V.date("2025-08-17T16:30:00Z"), externalID: "0b4e6a8a2d1f4c7e9a3b5d6f7e8c9a01",
                    snapshots: [
                        price("pinnacle", .h2h, .away, 7.5, at: "2025-08-15T09:54:00Z"),
                        price("pinnacle", .h2h, .home, 1.44, at: "2025-08-15T09:54:00Z"),
                        price("pinnacle", .h2h, .draw, 4.8, at: "2025-08-15T09:54:00Z"),
                        price("pinnacle", .totals, .over, 1.8, point: 3.0, at: "2025-08-15T09:54:30Z"),
                        price("pinnacle", .totals, .under, 2.1, point: 3.0, at: "2025-08-15T09:54:30Z"),
                    ],
                    result: nil, sourceLine: 2),
            ]
            #expect(batch.events == expected)
            #expect(batch.snapshotCount == 18)
        }
    }

    @Test("the odds request carries the key, regions, markets and decimal format")
    func oddsQuery() async throws {
        try await withOddsAPIHarness(configure: { $0.apiKey = "k&y=1+2 %" }) { h in
            h.server.stub("/v4/sports/basketball_nba/odds", .json("[]"))
            let batch = try await h.client.odds(sportKey: "basketball_nba", monpsSportKey: "basketball_nba")
            #expect(batch.events.isEmpty)
            let received = h.server.received
            #expect(received.count == 1)
            #expect(received.first?.path == "/v4/sports/basketball_nba/odds")
            #expect(
                received.first?.query == [
                    "apiKey": "k&y=1+2 %", "regions": "uk,eu,us", "markets": "h2h,spreads,totals",
                    "oddsFormat": "decimal", "dateFormat": "iso",
                ])
        }
    }

    @Test("every malformed item is skipped with one issue; valid data in the same payload survives")
    func malformedItems() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .json(OddsAPIFixtures.malformedOdds))
            let batch = try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl")

            #expect(batch.events.map(\.externalID) == ["valid-1", "valid-2"])
            #expect(batch.events.map(\.sourceLine) == [1, 10])
            let valid2 = try #require(batch.events.last)
            let kept = valid2.snapshots.map { "\($0.bookmakerKey) \($0.market) \($0.outcome)" }
            #expect(
                kept == [
                    "pinnacle h2h home", "pinnacle h2h away", "pinnacle h2h draw",
                    "pinnacle totals over", "pinnacle totals under",
                    "bet365 spreads home", "bet365 spreads away",
                    "paddypower h2h home", "paddypower h2h away", "paddypower h2h draw",
                ])

            // (index, event id, fragment of the reason), in payload order.
            let expected: [(Int, String?, String)] = [
                (1, nil, "id is missing"),
                (2, nil, "id is empty"),
                (3, "no-home", "home_team is missing"),
                (4, "same-teams", "are the same"),
                (5, "bad-date", "commence_time"),
                (6, nil, "not an object"),
                (7, "long-name", "longer than 200"),
                (8, "numeric-team", "home_team is not a string"),
                (9, "valid-2", "pinnacle, market spreads skipped: point is missing"),
                (9, "valid-2", "key 'Bad Key!' does not match"),
                (9, "valid-2", "bet365, market h2h skipped: price is not a number"),
                (9, "valid-2", "unibet, market h2h skipped: price 1.0 is not in (1, 10000]"),
                (9, "valid-2", "unibet, market totals skipped: price 20000.0 is not in"),
                (9, "valid-2", "betway, market h2h skipped: outcome 'Someone Else' matches neither team"),
                (9, "valid-2", "marathonbet, market h2h skipped: duplicate outcome home"),
                (9, "valid-2", "sport888, market h2h skipped: price is not a number"),
                (9, "valid-2", "coral, market h2h skipped: price is missing"),
                (9, "valid-2", "ladbrokes, market totals skipped: point is not a number"),
                (9, "valid-2", "bookmaker #11 skipped: key (not a string) does not match"),
            ]
            #expect(batch.issues.count == expected.count)
            for (issue, (index, eventID, fragment)) in zip(batch.issues, expected) {
                #expect(issue.index == index, "\(issue)")
                #expect(issue.eventID == eventID, "\(issue)")
                #expect(issue.reason.contains(fragment), "\(issue) should mention \(fragment)")
                #expect(issue.reason.count < 200, "\(issue)")
            }
        }
    }

    @Test("a JSON object, a scalar, an empty body or HTML instead of an array is invalidPayload")
    func nonArrayPayloads() async throws {
        try await withOddsAPIHarness { h in
            let cases: [(String, String)] = [
                (#"{"message": "Unknown sport"}"#, "got an object (message: Unknown sport)"),
                ("42", "got a scalar"),
                ("", "not valid JSON"),
                ("<html><body>Bad gateway</body></html>", "not valid JSON"),
                (#"[{"id": "x""#, "not valid JSON"),
            ]
            for (body, fragment) in cases {
                h.server.stub(Self.oddsPath, .json(body))
                let error = await oddsAPIError { try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl") }
                guard case .invalidPayload(let reason) = error else {
                    Issue.record("expected invalidPayload for \(body.prefix(20)), got \(String(describing: error))")
                    continue
                }
                #expect(reason.contains(fragment), "\(reason)")
            }
            // No retry for a payload problem.
            #expect(h.server.received.count == cases.count)
        }
    }

    @Test("a body over the cap fails with responseTooLarge, with or without Content-Length")
    func oversizedBody() async throws {
        try await withOddsAPIHarness(configure: { $0.maxResponseBytes = 2048 }) { h in
            let big = "[" + Array(repeating: OddsAPIFixtures.validEvent(id: "x"), count: 20).joined(separator: ",") + "]"
            #expect(big.utf8.count > 4096)
            for chunked in [false, true] {
                h.server.stub(Self.oddsPath, .json(big, chunked: chunked))
                let error = await oddsAPIError { try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl") }
                #expect(error == .responseTooLarge(limit: 2048), "chunked: \(chunked)")
            }
            #expect(h.server.received.count == 2)
        }
    }

    @Test("a large payload (hundreds of events × dozens of bookmakers) is decoded in full")
    func largePayload() async throws {
        let bookmakers = (0..<40).map { b in
            """
            {"key": "book_\(b)", "last_update": "2025-08-15T09:00:00Z", "markets": [\(OddsAPIFixtures.h2h()),
             {"key": "totals", "outcomes": [{"name": "Over", "price": 1.9, "point": 2.5}, {"name": "Under", "price": 1.95, "point": 2.5}]}]}
            """
        }.joined(separator: ",")
        let events = (0..<300).map { i in
            """
            {"id": "event_\(i)", "sport_title": "EPL", "commence_time": "2025-08-16T14:00:00Z",
             "home_team": "Home \(i)", "away_team": "Away \(i)", "bookmakers": [\(bookmakers.replacingOccurrences(of: "Arsenal", with: "Home \(i)").replacingOccurrences(of: "Chelsea", with: "Away \(i)"))]}
            """
        }
        let body = "[" + events.joined(separator: ",") + "]"
        try await withOddsAPIHarness { h in
            h.server.stub(Self.oddsPath, .json(body))
            let batch = try await h.client.odds(sportKey: "soccer_epl", monpsSportKey: "soccer_epl")
            #expect(batch.issues.isEmpty)
            #expect(batch.events.count == 300)
            #expect(batch.snapshotCount == 300 * 40 * 5)
        }
    }

    @Test("events endpoint: free, no prices, same validation")
    func events() async throws {
        try await withOddsAPIHarness(initialQuota: OddsAPIQuota(remaining: 3)) { h in
            h.server.stub("/v4/sports/soccer_epl/events", .json(OddsAPIFixtures.events, quota: (remaining: 3, used: 497, last: 0)))
            let batch = try await h.client.events(sportKey: "soccer_epl", monpsSportKey: "football_epl")
            #expect(
                batch.events == [
                    ImportedEvent(
                        sportKey: "football_epl", competition: "EPL", home: "Arsenal", away: "Chelsea",
                        startsAt: V.date("2025-08-16T14:00:00Z"), externalID: "e912304de2b2ce35b473ce2ecd3d1502",
                        snapshots: [], result: nil, sourceLine: 1)
                ])
            #expect(batch.issues == [OddsAPIIssue(eventID: "broken", index: 1, reason: "event skipped: away_team is missing")])
            #expect(h.server.received.first?.query["dateFormat"] == "iso")
            #expect(await h.client.creditsSpent == 0)
        }
    }

    @Test("sports endpoint: entries without a usable key are dropped; all=true is forwarded")
    func sports() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub("/v4/sports", .json(OddsAPIFixtures.sports, quota: (remaining: 500, used: 0, last: 0)))
            let sports = try await h.client.sports(all: true)
            #expect(
                sports == [
                    OddsAPISport(
                        key: "soccer_epl", group: "Soccer", title: "EPL", description: "English Premier League",
                        active: true, hasOutrights: false),
                    OddsAPISport(
                        key: "soccer_epl_winner", group: "Soccer", title: "EPL Winner",
                        description: "Title winner 2025/26", active: true, hasOutrights: true),
                ])
            #expect(h.server.received.first?.query["all"] == "true")
            _ = try await h.client.sports()
            #expect(h.server.received.last?.query["all"] == nil)
        }
    }

    @Test("invalid sport keys are refused before any request")
    func invalidSportKey() async throws {
        try await withOddsAPIHarness { h in
            for key in ["", "../admin", "soccer epl", "SOCCER", String(repeating: "a", count: 65)] {
                let error = await oddsAPIError { try await h.client.odds(sportKey: key, monpsSportKey: "x") }
                guard case .invalidRequest = error else {
                    Issue.record("expected invalidRequest for \(key), got \(String(describing: error))")
                    continue
                }
            }
            #expect(h.server.received.isEmpty)
        }
    }
}
