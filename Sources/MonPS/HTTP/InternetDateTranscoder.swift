// Dates in responses without ICU: the generated code writes every `date-time` through the runtime's transcoder.

import Foundation
import OpenAPIRuntime

/// Writes dates exactly as OpenAPIRuntime's default `.iso8601` transcoder does — `2026-11-26T13:45:00Z`, UTC,
/// the time rounded to the millisecond, then to the second below — but with integer arithmetic: the default formats through one `ISO8601DateFormatter`
/// behind a lock (ICU on Linux, microseconds per date), and a page of 50 opportunities has 150 dates.
/// Dates are read as RFC 3339 (`RFC3339`), fractions of a second and offsets included, as the contract says.
struct InternetDateTranscoder: DateTranscoder {
    private let standard = ISO8601DateTranscoder()

    func encode(_ date: Date) throws -> String {
        if let text = Self.format(date) { return text }
        return try standard.encode(date)
    }

    func decode(_ dateString: String) throws -> Date {
        if let date = RFC3339.parse(dateString) { return date }
        return try standard.decode(dateString)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` for years 1…9999; nil outside (left to the formatter).
    static func format(_ date: Date) -> String? {
        // The formatter rounds to the millisecond first, then drops the fraction (12.9996 s → "…:13Z").
        let interval = ((date.timeIntervalSince1970 * 1000).rounded() / 1000).rounded(.down)
        guard interval.isFinite, abs(interval) < 1e12 else { return nil }
        let (days, secondOfDay) = UTCCalendar.split(epochSeconds: Int(interval))
        let (year, month, day) = UTCCalendar.civil(fromDays: days)
        guard (1...9999).contains(year) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, digits: 4)
        put(month, at: 5, digits: 2)
        put(day, at: 8, digits: 2)
        put(secondOfDay / 3600, at: 11, digits: 2)
        put(secondOfDay % 3600 / 60, at: 14, digits: 2)
        put(secondOfDay % 60, at: 17, digits: 2)
        for (offset, character) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
            bytes[offset] = UInt8(ascii: character)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
