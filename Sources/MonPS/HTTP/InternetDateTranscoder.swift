// Dates in responses without ICU: the generated code writes every `date-time` through the runtime's transcoder.

import Foundation
import OpenAPIRuntime

/// Writes dates exactly as OpenAPIRuntime's default `.iso8601` transcoder does — `2026-11-26T13:45:00Z`, UTC,
/// the time rounded to the millisecond, then to the second below — but with integer arithmetic: the default formats through one `ISO8601DateFormatter`
/// behind a lock (ICU on Linux, microseconds per date), and a page of 50 opportunities has 150 dates.
/// Reading dates is left to the default transcoder.
struct InternetDateTranscoder: DateTranscoder {
    private let standard = ISO8601DateTranscoder()

    func encode(_ date: Date) throws -> String {
        if let text = Self.format(date) { return text }
        return try standard.encode(date)
    }

    func decode(_ dateString: String) throws -> Date {
        try standard.decode(dateString)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` for years 1…9999; nil outside (left to the formatter).
    static func format(_ date: Date) -> String? {
        // The formatter rounds to the millisecond first, then drops the fraction (12.9996 s → "…:13Z").
        let interval = ((date.timeIntervalSince1970 * 1000).rounded() / 1000).rounded(.down)
        guard interval.isFinite, abs(interval) < 1e12 else { return nil }
        let seconds = Int64(interval)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = civil(fromDays: days)
        guard (1...9999).contains(year) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int64, at offset: Int, digits: Int) {
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

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Quotient rounded toward −∞ and the non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self / divisor, remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
