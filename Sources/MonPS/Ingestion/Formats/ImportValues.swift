import Foundation
import MonPSCore

/// Strict number parsing for file fields.
enum ImportNumber {
    /// A decimal number written with `.` or a single decimal `,` (`1,36`), optional sign.
    /// Rejects thousands separators, exponents, `nan`, `inf` and anything else.
    static func decimal(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { decimal(utf8: $0) }
    }

    /// The same on raw bytes. Up to 15 significant digits the value is computed exactly as
    /// `mantissa / 10^k` (one correctly rounded division, identical to `strtod`); longer inputs go
    /// through `Double(String)`.
    static func decimal(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !bytes.isEmpty, bytes.count <= 32 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawSeparator = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if sawSeparator { fractionDigits += 1 }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard !sawSeparator else { return nil }
                sawSeparator = true
            default:
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        if digits <= 15 {
            let value = Double(mantissa) / powersOfTen[fractionDigits]
            return negative ? -value : value
        }
        var normalized = String(decoding: bytes, as: UTF8.self)
        normalized = String(normalized.map { $0 == "," ? "." : $0 })
        return Double(normalized).flatMap { $0.isFinite ? $0 : nil }
    }

    private static let powersOfTen: [Double] = (0...32).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A non-negative or negative whole number (`-3`, `12`); no separators.
    static func integer(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18 else { return nil }
        return Int(text)
    }
}

/// Civil dates and local wall-clock times → UTC instants.
enum ImportClock {
    static let utc = TimeZone(secondsFromGMT: 0)!
    static let london = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
    static let newYork = TimeZone(identifier: "America/New_York") ?? TimeZone(secondsFromGMT: -5 * 3600)!

    /// `true` when year/month/day name a real Gregorian day (years 1900–2199).
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1900...2199).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The instant of a wall-clock time in `zone` (DST aware; a time inside a spring-forward gap
    /// resolves to the later offset). `nil` for an invalid date or time.
    static func instant(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, in zone: TimeZone
    ) -> Date? {
        guard isValid(year: year, month: month, day: day), (0...23).contains(hour),
              (0...59).contains(minute) else { return nil }
        let wall = TimeInterval(daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60)
        if zone.identifier == "GMT" || zone.identifier == "UTC" { return Date(timeIntervalSince1970: wall) }
        let guess = Date(timeIntervalSince1970: wall - TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))))
        let offset = zone.secondsFromGMT(for: guess)
        return Date(timeIntervalSince1970: wall - TimeInterval(offset))
    }

    /// `yyyy-MM-dd` of a civil date (for ids).
    static func isoDay(year: Int, month: Int, day: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        func append(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        append(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        append(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        append(day, width: 2)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `a/b/c` into three integers (each 1–4 digits) and their digit counts.
    static func slashParts(_ text: String) -> (Int, Int, Int, [Int])? {
        var values = (0, 0, 0)
        var widths = (0, 0, 0)
        var part = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "/") {
                part += 1
                guard part <= 2 else { return nil }
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch part {
            case 0: values.0 = values.0 * 10 + digit; widths.0 += 1
            case 1: values.1 = values.1 * 10 + digit; widths.1 += 1
            default: values.2 = values.2 * 10 + digit; widths.2 += 1
            }
        }
        guard part == 2, (1...4).contains(widths.0), (1...4).contains(widths.1), (1...4).contains(widths.2) else {
            return nil
        }
        return (values.0, values.1, values.2, [widths.0, widths.1, widths.2])
    }

    /// `HH:MM` (or `H:MM`, optional `:SS`) → (hour, minute).
    static func clock(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count),
              parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute),
              parts.count == 2 || Int(parts[2]).map({ $0 <= 59 }) == true else { return nil }
        return (hour, minute)
    }
}

/// Gives repeated base ids deterministic `#2`, `#3`… suffixes within one file.
struct ExternalIDRegistry {
    private var counts: [String: Int] = [:]

    mutating func unique(_ base: String) -> String {
        let count = (counts[base] ?? 0) + 1
        counts[base] = count
        return count == 1 ? base : "\(base)#\(count)"
    }
}

/// Reads prices out of a record, dropping (with an issue) the ones that are not usable.
struct PriceCollector {
    var snapshots: [ImportedPrice] = []
    var issues: [ImportIssue] = []
    let line: Int

    init(line: Int) { self.line = line }

    /// A decimal price; empty = missing (no issue); non-numeric or ≤ 1.0 = issue, price skipped.
    mutating func decimal(
        _ raw: String?, column: String, book: String, market: MarketType, outcome: PriceOutcome,
        point: Double? = nil, at capturedAt: Date, closing: Bool
    ) {
        guard let raw else { return }
        guard let price = ImportNumber.decimal(raw) else {
            skip("\(column): price '\(Self.clip(raw))' is not a number")
            return
        }
        guard Odds.isValidDecimal(price) else {
            skip("\(column): price \(raw) is not a decimal price > 1.0")
            return
        }
        snapshots.append(ImportedPrice(
            bookmakerKey: book, market: market, outcome: outcome, point: point, price: price,
            capturedAt: capturedAt, isClosing: closing))
    }

    /// An American price (`-140`, `+120`), converted with MonPSCore; |value| < 100 = issue.
    mutating func american(
        _ raw: String?, column: String, book: String, market: MarketType, outcome: PriceOutcome,
        point: Double? = nil, at capturedAt: Date, closing: Bool
    ) {
        guard let raw else { return }
        guard let american = ImportNumber.decimal(raw) else {
            skip("\(column): American price '\(Self.clip(raw))' is not a number")
            return
        }
        guard let price = try? Odds.decimal(fromAmerican: american) else {
            skip("\(column): \(raw) is not valid American odds (|odds| must be ≥ 100)")
            return
        }
        snapshots.append(ImportedPrice(
            bookmakerKey: book, market: market, outcome: outcome, point: point, price: price,
            capturedAt: capturedAt, isClosing: closing))
    }

    mutating func skip(_ reason: String) {
        issues.append(ImportIssue(line: line, reason: reason, effect: .valueSkipped))
    }

    /// Shortens hostile values for messages.
    static func clip(_ text: String) -> String {
        text.count <= 24 ? text : String(text.prefix(24)) + "…"
    }
}

/// The outcome of parsing one row: a value, or the issue that made the row unusable.
enum RowOutcome<Value> {
    case parsed(Value)
    case skipped(ImportIssue)
}

extension ImportIssue {
    /// Issues ordered by line; issues of one line keep the order in which they were found.
    static func sortedByLine(_ issues: [ImportIssue]) -> [ImportIssue] {
        issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}
