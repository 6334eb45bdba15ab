import Foundation
import Testing
import MonPSCore

@testable import MonPS

/// Decoding and mapping without HTTP: hostile or odd payloads must give issues or clear errors,
/// never a crash or a half-validated event.
@Suite("The Odds API – hostile input", .hangGuard)
struct OddsAPIHostileInputTests {
    private typealias V = OddsAPITestValues
    private static let redactor = OddsAPIRedactor(apiKey: V.apiKey)

    private func map(_ json: String, withPrices: Bool = true) throws -> (events: [ImportedEvent], issues: [OddsAPIIssue]) {
        let items = try OddsAPIDecoding.array(of: OddsAPIEventPayload.self, from: Array(json.utf8), redactor: Self.redactor)
        return OddsAPIEventMapper(monpsSportKey: "soccer_epl", receivedAt: V.now).map(items, withPrices: withPrices)
    }

    @Test("pathological nesting is a clear error, not a stack overflow")
    func deepNesting() throws {
        let bomb = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(throws: OddsAPIError.self) { try map(bomb) }

        // Moderate junk nesting inside one field only costs that event.
        let nested = String(repeating: "[", count: 200) + "1" + String(repeating: "]", count: 200)
        let json = """
            [{"id": "nested", "commence_time": "2025-08-16T14:00:00Z", "home_team": \(nested), "away_team": "B"},
             \(OddsAPIFixtures.validEvent(id: "ok"))]
            """
        let mapped = try map(json)
        #expect(mapped.events.map(\.externalID) == ["ok"])
        #expect(mapped.issues == [OddsAPIIssue(eventID: "nested", index: 0, reason: "event skipped: home_team is not a string")])
    }

    @Test("huge strings are refused with short reasons")
    func hugeStrings() throws {
        let huge = String(repeating: "é", count: 1_000_000)
        let json = """
            [{"id": "\(huge)", "commence_time": "2025-08-16T14:00:00Z", "home_team": "A", "away_team": "B"},
             {"id": "big-team", "commence_time": "2025-08-16T14:00:00Z", "home_team": "\(huge)", "away_team": "B"},
             {"id": "big-date", "commence_time": "\(huge)", "home_team": "A", "away_team": "B"},
             {"id": "big-title", "sport_title": "\(huge)", "commence_time": "2025-08-16T14:00:00Z",
              "home_team": "A", "away_team": "B",
              "bookmakers": [{"key": "\(huge)", "markets": []},
                             {"key": "pinnacle", "markets": [{"key": "h2h", "outcomes": [{"name": "\(huge)", "price": 2}]}]}]}]
            """
        let mapped = try map(json)
        #expect(mapped.events.count == 1)
        #expect(mapped.events.first?.competition == nil)  // the title is dropped, not the event
        #expect(mapped.events.first?.snapshots == [])
        #expect(mapped.issues.map(\.index) == [0, 1, 2, 3, 3])
        #expect(mapped.issues.allSatisfy { $0.reason.count < 150 && ($0.eventID?.count ?? 0) < 150 })
    }

    @Test("wrong types at every level")
    func wrongTypes() throws {
        let json = """
            [
              {"id": 12345, "commence_time": "2025-08-16T14:00:00Z", "home_team": "A", "away_team": "B"},
              {"id": "t1", "commence_time": 1755352800, "home_team": "A", "away_team": "B", "bookmakers": "none"},
              {"id": "t2", "commence_time": ["2025"], "home_team": "A", "away_team": "B"},
              {"id": "t3", "commence_time": "2025-08-16T14:00:00+02:00", "home_team": "A", "away_team": "B",
               "bookmakers": [
                 {"key": "pinnacle", "markets": 7},
                 {"key": "bet365", "markets": [{"key": "h2h", "outcomes": {"name": "A"}}]},
                 {"key": "unibet", "markets": [{"key": "h2h", "outcomes": [{"name": "A", "price": true}]}]},
                 {"key": "coral", "markets": [{"key": "spreads", "outcomes": [{"name": "A", "price": 1.9, "point": null}]}]},
                 {"key": "betway", "markets": [{"key": "h2h", "outcomes": [{"name": null, "price": 1.9}]}]},
                 {"key": "sky", "markets": [{"key": "h2h", "outcomes": [[1, 2]]}]},
                 {"key": "boyle", "markets": [["h2h"]]},
                 {"key": "pinnacle", "markets": []},
                 null
               ]},
              null,
              [],
              {"id": "ctl", "commence_time": "2025-08-16T14:00:00Z", "home_team": "Arse\\u0000nal", "away_team": "B"},
              {"id": "spaces in id", "commence_time": "2025-08-16T14:00:00Z", "home_team": "A", "away_team": "B"}
            ]
            """
        let mapped = try map(json)
        #expect(mapped.events.map(\.externalID) == ["t1", "t3"])
        #expect(mapped.events[0].startsAt == Date(timeIntervalSince1970: 1_755_352_800))
        #expect(mapped.events[1].startsAt == V.date("2025-08-16T12:00:00Z"))
        #expect(mapped.events.allSatisfy { $0.snapshots.isEmpty })
        let reasons = mapped.issues.map { "\($0.index) \($0.reason)" }
        #expect(
            reasons == [
                "0 event skipped: id is not a string",
                "1 bookmakers is not an array; event kept without prices",
                "2 event skipped: commence_time is missing or not an ISO 8601 date",
                "3 bookmaker pinnacle skipped: markets is not an array",
                "3 bookmaker bet365, market h2h skipped: outcomes is not an array",
                "3 bookmaker unibet, market h2h skipped: price is not a number (outcome home)",
                "3 bookmaker coral, market spreads skipped: point is missing (outcome home)",
                "3 bookmaker betway, market h2h skipped: outcome name is missing",
                "3 bookmaker sky, market h2h skipped: outcome #1 is not an object",
                "3 bookmaker boyle, market #1 skipped: not an object with a key",
                "3 bookmaker pinnacle skipped: listed twice",
                "3 bookmaker #9 skipped: not an object",
                "4 event is not an object",
                "5 event is not an object",
                "6 event skipped: home_team 'Arse?nal' contains control characters",
                "7 event skipped: id 'spaces in id' contains spaces or control characters",
            ])
    }

    @Test("competitors come from the h2h outcomes when both team fields are absent")
    func teamFallback() throws {
        let json = """
            [{"id": "f1", "sport_title": "ATP", "commence_time": "2025-08-16T14:00:00Z",
              "bookmakers": [{"key": "pinnacle", "markets": [{"key": "h2h", "outcomes": [
                {"name": "Zverev", "price": 2.2}, {"name": "Alcaraz", "price": 1.7}]}]}]},
             {"id": "f2", "commence_time": "2025-08-16T14:00:00Z",
              "bookmakers": [{"key": "pinnacle", "markets": [{"key": "h2h", "outcomes": [
                {"name": "A", "price": 2.2}, {"name": "B", "price": 2.7}, {"name": "C", "price": 4}]}]}]}]
            """
        let mapped = try map(json)
        #expect(mapped.events.count == 1)
        let event = try #require(mapped.events.first)
        #expect((event.home, event.away) == ("Alcaraz", "Zverev"))
        #expect(event.snapshots.map(\.outcome) == [.away, .home])
        #expect(mapped.issues == [OddsAPIIssue(eventID: "f2", index: 1, reason: "event skipped: home_team is missing")])

        // The events endpoint has no outcomes to fall back on.
        #expect(try map(json, withPrices: false).events.isEmpty)
    }

    @Test("quota header values")
    func quotaHeaderValues() {
        #expect(OddsAPIQuota.credits("499") == 499)
        #expect(OddsAPIQuota.credits(" 12 ") == 12)
        #expect(OddsAPIQuota.credits("12.2") == 13)
        for garbage in [nil, "", "abc", "-1", "1e300", "nan", String(repeating: "9", count: 40)] {
            #expect(OddsAPIQuota.credits(garbage) == nil)
        }
        let known = OddsAPIQuota(remaining: 10, used: 490, last: 1, observedAt: V.date("2025-01-01T00:00:00Z"))
        #expect(known.updated(remaining: nil, used: "x", last: nil, at: V.now) == known)
        #expect(
            known.updated(remaining: "9", used: nil, last: nil, at: V.now)
                == OddsAPIQuota(remaining: 9, used: 490, last: 1, observedAt: V.now))
    }

    @Test("backoff is exponential, jittered and capped")
    func backoff() {
        var configuration = OddsAPIConfiguration(apiKey: "k", backoffBase: .milliseconds(500), random: { 1 })
        #expect((1...6).map(configuration.backoff(afterAttempt:)) == [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10),
        ])
        #expect(configuration.backoff(afterAttempt: 1000) == .seconds(10))
        configuration.random = { 0 }
        #expect(configuration.backoff(afterAttempt: 3) == .zero)
    }

    @Test("redaction masks the key before truncating and strips control characters")
    func redaction() {
        let redactor = OddsAPIRedactor(apiKey: "abcdef")
        #expect(redactor.clean("key abcdef\nrejected") == "key *** rejected")
        let long = String(repeating: "x", count: 198) + "abcdef"
        #expect(redactor.clean(long) == String(repeating: "x", count: 198) + "**…")
        #expect(!redactor.clean(long).contains("abc"))
    }
}
