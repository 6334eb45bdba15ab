import Foundation

/// Field checks shared by the mappers. Each returns the clean value or a short reason; reasons
/// quote at most ``maxQuoted`` characters of the offending value (payloads can be hostile).
enum OddsAPIValidation {
    /// Longest accepted team/player/competition name.
    static let maxNameLength = 200
    /// Longest accepted event id (the API's ids are 32 hex digits).
    static let maxIDLength = 128
    /// Decimal odds above this are treated as garbage rather than long shots.
    static let maxPrice = 10_000.0
    /// Handicaps and totals at or beyond this are garbage (the loader refuses them too).
    static let maxPoint = 1_000.0
    static let maxQuoted = 40

    /// A trimmed, non-empty name without control characters (PostgreSQL rejects NUL in text).
    static func name(_ field: OddsAPIField<String>, _ label: String) -> Result<String, Reason> {
        switch field {
        case .absent: return .failure(Reason("\(label) is missing"))
        case .invalid: return .failure(Reason("\(label) is not a string"))
        case .value(let raw):
            // Bound the work before trimming/counting a multi-megabyte string.
            if raw.utf8.count > maxNameLength * 4 { return .failure(Reason("\(label) is longer than \(maxNameLength) characters")) }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { return .failure(Reason("\(label) is empty")) }
            if text.count > maxNameLength { return .failure(Reason("\(label) is longer than \(maxNameLength) characters")) }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return .failure(Reason("\(label) \(quote(text)) contains control characters"))
            }
            return .success(text)
        }
    }

    /// A non-empty id of printable, non-space characters.
    static func eventID(_ field: OddsAPIField<String>) -> Result<String, Reason> {
        switch field {
        case .absent: return .failure(Reason("id is missing"))
        case .invalid: return .failure(Reason("id is not a string"))
        case .value(let raw):
            if raw.isEmpty { return .failure(Reason("id is empty")) }
            if raw.utf8.count > maxIDLength { return .failure(Reason("id is longer than \(maxIDLength) bytes")) }
            if raw.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control || $0.properties.isWhitespace
            }) {
                return .failure(Reason("id \(quote(raw)) contains spaces or control characters"))
            }
            return .success(raw)
        }
    }

    /// `^[a-z0-9_]{1,64}$`: bookmaker keys become database identifiers; sport keys URL path segments.
    static func isKey(_ key: String) -> Bool {
        let bytes = key.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// An ISO 8601 instant (`2024-08-17T14:00:00Z`, fractional seconds and offsets accepted) or
    /// Unix seconds; `nil` when unusable.
    static func date(_ field: OddsAPIField<OddsAPITimestamp>) -> Date? {
        switch field.value {
        case .iso(let text)?:
            guard text.utf8.count <= 40 else { return nil }
            return parseISO8601(text)
        case .unix(let seconds)?:
            // Plausible range only: 2000-01-01 ... 2100-01-01.
            guard seconds.isFinite, (946_684_800...4_102_444_800).contains(seconds) else { return nil }
            return Date(timeIntervalSince1970: seconds)
        case nil:
            return nil
        }
    }

    static func parseISO8601(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A decimal price in `(1, maxPrice]`.
    static func price(_ field: OddsAPIField<Double>) -> Result<Double, Reason> {
        switch field {
        case .absent: return .failure(Reason("price is missing"))
        case .invalid: return .failure(Reason("price is not a number"))
        case .value(let price):
            guard price.isFinite, price > 1.0, price <= maxPrice else {
                return .failure(Reason("price \(price) is not in (1, \(Int(maxPrice))]"))
            }
            return .success(price)
        }
    }

    /// The handicap/line of a spreads or totals outcome.
    static func point(_ field: OddsAPIField<Double>) -> Result<Double, Reason> {
        switch field {
        case .absent: return .failure(Reason("point is missing"))
        case .invalid: return .failure(Reason("point is not a number"))
        case .value(let point):
            guard point.isFinite, abs(point) < maxPoint else { return .failure(Reason("point \(point) is out of range")) }
            return .success(point)
        }
    }

    /// A short, printable quotation of `text` for issue reasons.
    static func quote(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(maxQuoted + 1).map {
            $0.properties.generalCategory == .control ? "?" : Character($0)
        }
        let shown = String(scalars.prefix(maxQuoted))
        return "'" + shown + (scalars.count > maxQuoted ? "…'" : "'")
    }

    /// Why a value was refused (a `Result` failure needs an `Error`).
    struct Reason: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
