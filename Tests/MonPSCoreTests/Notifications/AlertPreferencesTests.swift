import Foundation
import Testing
import MonPSCore

@Suite("Alert preferences: channels per type, opportunity filters, quiet hours")
struct AlertPreferencesTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func aTypeGoesToTheChosenChannelsThatAreSwitchedOn() {
        var preferences = AlertPreferences()
        preferences.email = true
        preferences.webhook = false
        #expect(preferences.channels(for: .betSettled) == [.websocket, .email])
        preferences.channels[.betSettled] = [.webhook, .email]
        #expect(preferences.channels(for: .betSettled) == [.email])  // webhook is switched off
        #expect(preferences.channels(for: .betCLV) == [.websocket, .email])
    }

    @Test func opportunitiesAreFilteredByEdgeSportAndVerdict() {
        var preferences = AlertPreferences()
        #expect(preferences.minEdge == 0.10)
        #expect(preferences.wants(edge: 0.10, sport: "soccer_epl", verdict: "caution"))
        #expect(!preferences.wants(edge: 0.0999, sport: "soccer_epl", verdict: "analyze"))
        preferences.sports = ["icehockey_nhl"]
        #expect(!preferences.wants(edge: 0.2, sport: "soccer_epl", verdict: "analyze"))
        #expect(preferences.wants(edge: 0.2, sport: "icehockey_nhl", verdict: "analyze"))
        preferences.verdicts = ["analyze"]
        #expect(!preferences.wants(edge: 0.2, sport: "icehockey_nhl", verdict: "caution"))
    }

    @Test func storedPreferencesOfEarlierVersionsKeepTheirValuesAndGainTheDefaults() throws {
        let old = #"{"email": false, "websocket": true, "webhook": true, "min_edge": 0.03}"#
        let decoded = try JSONDecoder().decode(AlertPreferences.self, from: Data(old.utf8))
        #expect(decoded.minEdge == 0.03)
        #expect(decoded.webhook)
        #expect(decoded.sports.isEmpty && decoded.channels.isEmpty && decoded.quietHours == nil && !decoded.dailyDigest)
        var chosen = decoded
        chosen.channels[.opportunityNew] = [.webhook]
        chosen.quietHours = QuietHours(start: "22:00", end: "07:30")
        let again = try JSONDecoder().decode(AlertPreferences.self, from: try JSONEncoder().encode(chosen))
        #expect(again == chosen)
        #expect(again.quietHours?.endText == "07:30")
    }

    @Test func quietHoursDeferToTheirEndInTheUsersZone() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let night = try #require(QuietHours(start: "22:00", end: "07:00"))
        // 23:30 in Paris (UTC+1 in December): wait for 07:00 Paris the next morning.
        #expect(night.deferral(of: Self.instant("2026-12-06T22:30:00Z"), in: paris) == Self.instant("2026-12-07T06:00:00Z"))
        // 06:59 Paris, same morning.
        #expect(night.deferral(of: Self.instant("2026-12-07T05:59:00Z"), in: paris) == Self.instant("2026-12-07T06:00:00Z"))
        // 07:00 and noon: not quiet.
        #expect(night.deferral(of: Self.instant("2026-12-07T06:00:00Z"), in: paris) == nil)
        #expect(night.deferral(of: Self.instant("2026-12-07T11:00:00Z"), in: paris) == nil)
        let lunch = try #require(QuietHours(start: "13:00", end: "14:00"))
        #expect(lunch.deferral(of: Self.instant("2026-12-07T13:30:00Z"), in: .gmt) == Self.instant("2026-12-07T14:00:00Z"))
        #expect(lunch.deferral(of: Self.instant("2026-12-07T12:59:00Z"), in: .gmt) == nil)
        #expect(QuietHours(start: "24:00", end: "07:00") == nil)
        #expect(QuietHours(start: "7:00", end: "08:00") == nil)
    }
}
