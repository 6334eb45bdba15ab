import Foundation
import Testing
@testable import MonPS

/// The contract's `date-time` reader: what it accepts is what every handler and the contract boundary get.
@Suite("RFC 3339 date-times")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-26T13:45:00Z", 1_795_700_700.0), ("2026-11-26t13:45:00.5z", 1_795_700_700.5),
        ("2026-11-26T15:45:00+02:00", 1_795_700_700.0), ("1970-01-01T00:00:00Z", 0),
        ("2026-11-26T13:45:00-05:30", 1_795_720_500), ("1969-12-31T23:59:59Z", -1),
        // Leap days exist in leap years only; a leap second is read as the next second.
        ("2024-02-29T00:00:00Z", 1_709_164_800), ("2000-02-29T12:00:00Z", 951_825_600),
        ("2026-11-26T23:59:60Z", 1_795_737_600),
    ])
    func rfc3339Dates(text: String, epoch: Double) {
        #expect(RFC3339.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: [
        "2026-11-26", "2026-11-26T13:45Z", "2026-13-01T00:00:00Z", "2026-11-26T13:45:00", "2026-11-26T13:45:00.Z",
        "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-26T24:00:00Z",
        "2026-11-26T13:60:00Z", "2026-11-26T13:45:00+24:00", "2026-11-26T13:45:00+0200", "2026-11-26T13:45:00Zx",
        " 2026-11-26T13:45:00Z", "2026-11-26 13:45:00Z", "２026-11-26T13:45:00Z",
    ])
    func notRFC3339(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    /// Whatever Foundation's ISO 8601 formatter writes, from 1900 to 2200, reads back as the same instant.
    @Test func readsWhatFoundationWrites() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = -2_208_988_800.0  // 1900-01-01
        for step in 0..<20_000 {
            // An odd stride of 4 days, 17 minutes and a quarter second visits every time of day and every weekday.
            let date = Date(timeIntervalSince1970: start + Double(step) * (4 * 86_400 + 17 * 60 + 0.25))
            #expect(RFC3339.parse(formatter.string(from: date)) == date, "\(formatter.string(from: date))")
        }
    }
}
