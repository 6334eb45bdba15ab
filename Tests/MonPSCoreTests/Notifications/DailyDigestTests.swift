import Foundation
import Testing
import MonPSCore

@Suite("Daily digest: when it is due and which local day it covers")
struct DailyDigestTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let paris = TimeZone(identifier: "Europe/Paris")!

    @Test func beforeTheSendHourNothingIsDue() {
        // 07:59 in Paris (CET, UTC+1).
        #expect(DigestSchedule().dueDay(at: Self.instant("2026-12-05T06:59:00Z"), in: Self.paris) == nil)
    }

    @Test func fromTheSendHourYesterdayIsDueAsLocalMidnightToMidnight() throws {
        let day = try #require(DigestSchedule().dueDay(at: Self.instant("2026-12-05T07:00:00Z"), in: Self.paris))
        #expect(day.date == "2026-12-04")
        #expect(day.start == Self.instant("2026-12-03T23:00:00Z"))
        #expect(day.end == Self.instant("2026-12-04T23:00:00Z"))
        // Late in the evening it is still yesterday's digest.
        #expect(DigestSchedule().dueDay(at: Self.instant("2026-12-05T22:30:00Z"), in: Self.paris)?.date == "2026-12-04")
    }

    @Test func daysAcrossDaylightSavingChangesAre23And25Hours() throws {
        // Clocks went forward on 29 March 2026 and back on 25 October 2026 in Paris.
        let spring = try #require(DigestSchedule().dueDay(at: Self.instant("2026-03-30T09:00:00Z"), in: Self.paris))
        #expect(spring.date == "2026-03-29")
        #expect(spring.end.timeIntervalSince(spring.start) == 23 * 3600)
        let autumn = try #require(DigestSchedule().dueDay(at: Self.instant("2026-10-26T09:00:00Z"), in: Self.paris))
        #expect(autumn.date == "2026-10-25")
        #expect(autumn.end.timeIntervalSince(autumn.start) == 25 * 3600)
    }

    @Test func theDayFollowsTheBettorsZone() throws {
        // 2026-12-05 03:00 UTC is 16:00 on the 5th in Auckland (UTC+13) and 22:00 on the 4th in New York.
        let now = Self.instant("2026-12-05T03:00:00Z")
        #expect(DigestSchedule().dueDay(at: now, in: TimeZone(identifier: "Pacific/Auckland")!)?.date == "2026-12-04")
        #expect(DigestSchedule().dueDay(at: now, in: TimeZone(identifier: "America/New_York")!)?.date == "2026-12-03")
        #expect(DigestSchedule(sendHour: 23).dueDay(at: now, in: TimeZone(identifier: "America/New_York")!) == nil)
    }

    @Test func anEmptyDaySendsNothingAndThePayloadUsesTheAPIsNames() throws {
        var digest = DailyDigest(date: "2026-12-04", timeZone: "Europe/Paris")
        #expect(digest.isEmpty)
        digest.betsSettled = 1
        digest.totals = [.init(currency: "EUR", settled: 1, staked: 1000, profit: 1100)]
        digest.averageCLV = 0.05
        #expect(!digest.isEmpty)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(digest), as: UTF8.self)
        #expect(json.contains(#""average_clv":0.05"#))
        #expect(json.contains(#""bets_settled":1"#))
        #expect(json.contains(#""time_zone":"Europe\/Paris""#))
        #expect(json.contains(#""totals":[{"currency":"EUR","profit":1100,"settled":1,"staked":1000}]"#))
    }
}
