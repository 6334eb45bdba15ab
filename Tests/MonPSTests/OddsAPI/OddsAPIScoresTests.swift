import Foundation
import Testing
import MonPSCore

@testable import MonPS

@Suite("The Odds API – scores", .hangGuard)
struct OddsAPIScoresTests {
    private typealias V = OddsAPITestValues

    @Test("completed games get a result with a winner; others and garbage do not")
    func scores() async throws {
        try await withOddsAPIHarness { h in
            h.server.stub(
                "/v4/sports/soccer_epl/scores", .json(OddsAPIFixtures.scores, quota: (remaining: 300, used: 200, last: 2)))
            let batch = try await h.client.scores(sportKey: "soccer_epl", monpsSportKey: "football_epl", daysFrom: 3)

            #expect(h.server.received.first?.query["daysFrom"] == "3")
            #expect(h.server.received.first?.query["dateFormat"] == "iso")
            #expect(batch.quota.remaining == 300)
            #expect(await h.client.creditsSpent == 2)

            let byID = Dictionary(uniqueKeysWithValues: batch.items.map { ($0.externalID, $0) })
            #expect(batch.items.map(\.externalID) == [
                "s-home-win", "s-upcoming", "s-garbage", "s-draw", "s-wrong-names", "s-live", "s-away-win",
            ])
            #expect(
                byID["s-home-win"]
                    == OddsAPIScore(
                        externalID: "s-home-win", sportKey: "football_epl", home: "Arsenal", away: "Chelsea",
                        startsAt: V.date("2025-08-14T19:00:00Z"), completed: true,
                        result: ImportedResult(homeScore: 2, awayScore: 1, status: .finished, winner: .home),
                        lastUpdate: V.date("2025-08-14T21:02:11Z")))
            #expect(
                byID["s-upcoming"]
                    == OddsAPIScore(
                        externalID: "s-upcoming", sportKey: "football_epl", home: "Liverpool", away: "Everton",
                        startsAt: V.date("2025-08-16T14:00:00Z"), completed: false, result: nil, lastUpdate: nil))
            #expect(byID["s-garbage"]?.completed == true)
            #expect(byID["s-garbage"]?.result == nil)
            // Order of the score entries does not matter; integer scores are tolerated.
            #expect(byID["s-draw"]?.result == ImportedResult(homeScore: 1, awayScore: 1, status: .finished, winner: .draw))
            #expect(byID["s-wrong-names"]?.result == nil)
            #expect(byID["s-live"]?.result == nil)
            #expect(byID["s-live"]?.lastUpdate == V.date("2025-08-15T09:40:00Z"))
            #expect(byID["s-away-win"]?.result?.winner == .away)
            #expect(byID["s-away-win"]?.startsAt == V.date("2025-08-12T19:00:00.250Z"))
            #expect(byID["s-away-win"]?.lastUpdate == nil)

            #expect(
                batch.issues == [
                    OddsAPIIssue(
                        eventID: "s-garbage", index: 2, reason: "completed without usable scores: score of home is not an integer"),
                    OddsAPIIssue(eventID: "s-no-completed", index: 4, reason: "event skipped: completed is not a boolean"),
                    OddsAPIIssue(
                        eventID: "s-wrong-names", index: 5,
                        reason: "completed without usable scores: score name 'Wolverhampton' matches neither team"),
                ])
        }
    }

    @Test("score values: integers only, within range")
    func scoreValues() {
        let accepted: [(OddsAPIScoreValue, Int)] = [(.text("3"), 3), (.text(" 10 "), 10), (.number(0), 0), (.text("0"), 0)]
        for (value, expected) in accepted {
            #expect(OddsAPIScoresMapper.score(.value(value)) == expected)
        }
        let refused: [OddsAPIField<OddsAPIScoreValue>] = [
            .value(.text("2.5")), .value(.text("250/6")), .value(.text("-1")), .value(.text("")),
            .value(.text("99999999999999999999")), .value(.number(2.5)), .value(.number(-3)), .value(.number(1e12)),
            .absent, .invalid,
        ]
        for value in refused {
            #expect(OddsAPIScoresMapper.score(value) == nil)
        }
    }
}
