import Foundation
import MonPSCore

/// # MonPS generic odds CSV (`--format csv`)
///
/// A source-neutral format any sport can use (esports included). One row per price; the rows of
/// one event share an `event_id` (they need not be adjacent; events come out in order of first
/// appearance). The same text is in `docs/import-csv-format.md`.
///
/// ## Layout
/// - UTF-8 (a BOM is fine; invalid bytes are read as Windows-1252), delimiter `,` or `;` (taken
///   from the header line), RFC 4180 quoting, CRLF or LF. With `;` a decimal comma is accepted.
/// - A header row is required. Column names are case-insensitive, in any order; unknown columns
///   are ignored. An empty field means "missing".
///
/// | column | required | content |
/// |---|---|---|
/// | `sport_key` | yes | MonPS sport key, `[a-z0-9_]{1,64}`, e.g. `soccer_epl`, `esports_lol` |
/// | `competition` | no | league / tournament name |
/// | `event_id` | yes | your stable id of the event (≤ 200 characters); becomes the externalID |
/// | `starts_at` | yes | ISO 8601 with offset: `2024-05-01T18:00:00Z`, `2024-05-01T20:00+02:00` |
/// | `home`, `away` | yes | team / player names (two different names) |
/// | `bookmaker` | with a price | bookmaker key, lower-cased on import: `pinnacle`, `bet365`… |
/// | `market` | with a price | `h2h`, `spreads` or `totals` |
/// | `outcome` | with a price | h2h: `home`/`draw`/`away`; spreads: `home`/`away`; totals: `over`/`under` |
/// | `point` | spreads, totals | handicap from the outcome's side (`-1.5`), or the total (`2.5`); empty for h2h |
/// | `price` | with a price | decimal odds > 1.0 |
/// | `captured_at` | no | ISO 8601 with offset, not after `starts_at`; default start − 48 h (early) or start − 5 min (closing) |
/// | `is_closing` | no | `true`/`false` (`1`/`0`, `yes`/`no`); default `false` |
/// | `home_score`, `away_score` | no | final score, whole numbers ≥ 0 (both or neither) |
/// | `status` | no | `finished` (default when scores are given), `retired`, `walkover`, `cancelled` |
/// | `winner` | no | `home`/`away`/`draw`; default from the scores; needed for a retirement/walkover without a score lead |
/// | `notes` | no | free text kept with the result |
///
/// A row without `bookmaker`, `market`, `outcome` and `price` is allowed (an event or a result
/// without prices). Event columns (`sport_key`, `competition`, `starts_at`, `home`, `away`) come
/// from the event's first row; a later row that contradicts them is skipped. Result columns may be
/// repeated on every row or given once; contradicting result values skip the row.
///
/// ## Issues
/// Row skipped: missing/invalid `sport_key`, `event_id`, `starts_at`, team, or a contradiction with
/// the event's first row, a duplicate price (same bookmaker, market, outcome, point, captured_at),
/// a wrong column count. Only the price skipped (the event is kept): price not a number or ≤ 1.0,
/// unknown market/outcome, missing or superfluous point, bad `captured_at`/`is_closing`.
/// Only the result skipped: unreadable scores, unknown status, missing winner.
///
/// ## Example
/// ```
/// sport_key,competition,event_id,starts_at,home,away,bookmaker,market,outcome,point,price,captured_at,is_closing,home_score,away_score,status
/// esports_lol,LEC,lec-2024-s-w1-g1,2024-06-15T16:00:00Z,G2 Esports,Fnatic,pinnacle,h2h,home,,1.55,2024-06-14T16:00:00Z,false,1,0,finished
/// esports_lol,LEC,lec-2024-s-w1-g1,2024-06-15T16:00:00Z,G2 Esports,Fnatic,pinnacle,h2h,away,,2.45,2024-06-14T16:00:00Z,false,1,0,finished
/// esports_lol,LEC,lec-2024-s-w1-g1,2024-06-15T16:00:00Z,G2 Esports,Fnatic,pinnacle,h2h,home,,1.50,,true,1,0,finished
/// ```
public struct GenericCSVParser: HistoricalFileParser {
    public static let source = ImportSource.genericCSV

    public init() {}

    struct Columns {
        let sportKey, eventID, startsAt, home, away: Int
        let competition, bookmaker, market, outcome, point, price, capturedAt, isClosing: Int?
        let homeScore, awayScore, status, winner, notes: Int?

        init(_ document: HistoricalCSV.Document) throws(ImportFileError) {
            func find(_ name: String) -> Int? { document.looseIndex(of: name) }
            var missing: [String] = []
            func need(_ name: String) -> Int {
                if let index = find(name) { return index }
                missing.append(name)
                return -1
            }
            sportKey = need("sport_key")
            eventID = need("event_id")
            startsAt = need("starts_at")
            home = need("home")
            away = need("away")
            guard missing.isEmpty else {
                throw ImportFileError("not a MonPS generic odds CSV: missing column(s) \(missing.joined(separator: ", ")) (see docs/import-csv-format.md)")
            }
            competition = find("competition")
            bookmaker = find("bookmaker")
            market = find("market")
            outcome = find("outcome")
            point = find("point")
            price = find("price")
            capturedAt = find("captured_at")
            isClosing = find("is_closing")
            homeScore = find("home_score")
            awayScore = find("away_score")
            status = find("status")
            winner = find("winner")
            notes = find("notes")
        }
    }

    public func parse(_ bytes: [UInt8], fileName: String) throws(ImportFileError) -> ParsedFile {
        let document = try HistoricalTable.read(bytes, fallback: .windows1252)
        let columns = try Columns(document)
        var issues = document.issues
        var builder = GenericEventBuilder(columns: columns)
        for record in document.records {
            if let issue = document.widthIssue(record) { issues.append(issue); continue }
            builder.add(record)
        }
        issues += builder.issues
        return ParsedFile(
            events: builder.events(), issues: ImportIssue.sortedByLine(issues), rowCount: document.records.count)
    }

    /// ISO 8601 date-time with a UTC offset: `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]](Z|±HH:MM|±HHMM|±HH)`.
    static func isoInstant(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 17, chars.count <= 40 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            guard from + length <= chars.count else { return nil }
            var value = 0
            for byte in chars[from..<(from + length)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), chars[4] == UInt8(ascii: "-"), let month = number(5, 2),
              chars[7] == UInt8(ascii: "-"), let day = number(8, 2),
              chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "t"),
              let hour = number(11, 2), chars[13] == UInt8(ascii: ":"), let minute = number(14, 2),
              ImportClock.isValid(year: year, month: month, day: day), hour <= 23, minute <= 59 else { return nil }
        var index = 16
        var seconds = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ":") {
            guard let whole = number(index + 1, 2), whole <= 59 else { return nil }
            seconds = Double(whole)
            index += 3
            if index < chars.count, chars[index] == UInt8(ascii: ".") || chars[index] == UInt8(ascii: ",") {
                var scale = 0.1
                index += 1
                let fractionStart = index
                while index < chars.count, (48...57).contains(chars[index]) {
                    seconds += Double(chars[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > fractionStart else { return nil }
            }
        }
        guard index < chars.count else { return nil }
        var offset = 0
        switch chars[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == chars.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
            let rest = chars.count - index - 1
            guard let oh = number(index + 1, 2), oh <= 23 else { return nil }
            var om = 0
            if rest == 5, chars[index + 3] == UInt8(ascii: ":"), let m = number(index + 4, 2) { om = m }
            else if rest == 4, let m = number(index + 3, 2) { om = m }
            else if rest != 2 { return nil }
            guard om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        default:
            return nil
        }
        let wall = Double(ImportClock.daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60) + seconds
        return Date(timeIntervalSince1970: wall - Double(offset))
    }
}
