import Foundation
import MonPSCore

/// tennis-data.co.uk match files (ATP and WTA), both text variants:
/// semicolon + decimal comma + `dd/mm/yyyy` unquoted (2018–2022 exports) and semicolon, every field
/// quoted, decimal point, `M/D/YYYY` (2026 exports). Comma-delimited exports work too.
///
/// - Sport: `tennis_atp` / `tennis_wta` from the header (`ATP` or `WTA` column), else the file name
///   (`atp_…`, `wta_…`). `competition` = `Tournament`.
/// - **Player order**: the two players are sorted alphabetically (Swift `String` order, i.e. by
///   Unicode code points after canonical normalisation): `home` = first, `away` = second. The
///   file's Winner/Loser columns would leak the result into the slot; the sorted order does not.
///   `result.winner` says which slot won.
/// - Date: the order is detected per file from the Date column (a first part > 12 ⇒ day first, a
///   second part > 12 ⇒ month first; otherwise unpadded parts such as `1/4/2026` ⇒ month first,
///   padded `04/01/2026` ⇒ day first); `yyyy-mm-dd` is accepted too. No time in the files:
///   `startsAt` = **12:00 UTC** of that day.
/// - Prices: one pre-match price per bookmaker, timing unknown → `isClosing == false`,
///   `capturedAt` = start − 1 h (``ImportTiming/untimedOffset``). Columns `<book>W`/`<book>L` are
///   re-keyed to the winner's/loser's slot. Books: ``bookmakers``.
/// - Result: `homeScore`/`awayScore` = sets won (`Wsets`/`Lsets`; counted from the games when
///   blank), `periodScores` = games per set `[home, away]` up to the first incomplete set;
///   `Comment` → status: Completed → `finished`; Retired (and the typo `Rrtired`), Disqualified,
///   Awarded → `retired` (the match started, the Winner advanced); Walkover (`Walkoer`) →
///   `walkover`; Cancelled → `cancelled` (no winner). Any other comment (`Sched`) → `finished`
///   with a warning. `notes` = the Comment text.
/// - externalID: `<ATP|WTA>:<yyyy-MM-dd>:<home>:<away>`.
/// - Non-UTF-8 bytes are decoded per field as code page 437 (the files' DOS code page).
/// - Issues: bad date or missing player skips the row; a price that is not a number (`#N/A`, `-`)
///   or ≤ 1.0 (`1`, `0,967` occur) is skipped alone.
public struct TennisDataParser: HistoricalFileParser {
    public static let source = ImportSource.tennisData

    /// Column prefix → MonPS bookmaker key.
    public static let bookmakers: [(prefix: String, key: String)] = [
        ("B365", "bet365"), ("PS", "pinnacle"), ("EX", "expekt"), ("LB", "ladbrokes"),
        ("SJ", "stanjames"), ("UB", "unibet"), ("CB", "centrebet"), ("GB", "gamebookers"),
        ("IW", "interwetten"), ("SB", "sportingbet"), ("BFE", "betfair_ex"),
        ("Max", "market_max"), ("Avg", "market_avg"),
    ]

    public init() {}

    enum DateOrder { case dayFirst, monthFirst }

    struct Layout {
        let tour: String
        let sportKey: String
        let date: Int
        let winner: Int
        let loser: Int
        let tournament: Int?
        let comment: Int?
        let winnerSets: Int?
        let loserSets: Int?
        let games: [(winner: Int, loser: Int)]
        /// (column, name, book key, is the winner's price)
        let prices: [(column: Int, name: String, book: String, winnerSide: Bool)]
    }

    public func parse(_ bytes: [UInt8], fileName: String) throws(ImportFileError) -> ParsedFile {
        let document = try HistoricalTable.read(bytes, fallback: .cp437)
        let layout = try Self.layout(document, fileName: fileName)
        let order = Self.dateOrder(document.records.compactMap { $0.value(layout.date) })
        var issues = document.issues
        var events: [ImportedEvent] = []
        var ids = ExternalIDRegistry()
        for record in document.records {
            if let issue = document.widthIssue(record) { issues.append(issue); continue }
            switch parseRow(record, layout: layout, order: order) {
            case .parsed(let (event, rowIssues)):
                var event = event
                event.externalID = ids.unique(event.externalID)
                events.append(event)
                issues += rowIssues
            case .skipped(let issue):
                issues.append(issue)
            }
        }
        return ParsedFile(
            events: events, issues: ImportIssue.sortedByLine(issues), rowCount: document.records.count)
    }

    static func layout(_ document: HistoricalCSV.Document, fileName: String) throws(ImportFileError) -> Layout {
        let lowerName = (fileName.split(separator: "/").last.map(String.init) ?? fileName).lowercased()
        let tour: String
        if document.index(of: "ATP") != nil {
            tour = "ATP"
        } else if document.index(of: "WTA") != nil {
            tour = "WTA"
        } else if lowerName.hasPrefix("atp") {
            tour = "ATP"
        } else if lowerName.hasPrefix("wta") {
            tour = "WTA"
        } else {
            throw ImportFileError("not a tennis-data.co.uk file: no 'ATP'/'WTA' column and the file name does not start with atp/wta")
        }
        guard let date = document.index(of: "Date"), let winner = document.index(of: "Winner"),
              let loser = document.index(of: "Loser") else {
            throw ImportFileError("not a tennis-data.co.uk file: missing 'Date', 'Winner' or 'Loser' column")
        }
        var games: [(Int, Int)] = []
        for set in 1...5 {
            guard let w = document.index(of: "W\(set)"), let l = document.index(of: "L\(set)") else { break }
            games.append((w, l))
        }
        var prices: [(Int, String, String, Bool)] = []
        for (column, name) in document.header.enumerated() {
            for book in bookmakers where name == book.prefix + "W" || name == book.prefix + "L" {
                prices.append((column, name, book.key, name.hasSuffix("W")))
            }
        }
        return Layout(
            tour: tour, sportKey: tour == "ATP" ? "tennis_atp" : "tennis_wta", date: date, winner: winner,
            loser: loser, tournament: document.index(of: "Tournament"), comment: document.index(of: "Comment"),
            winnerSets: document.index(of: "Wsets"), loserSets: document.index(of: "Lsets"), games: games,
            prices: prices)
    }

    /// Decides the date order of a file from all its Date values (see the type documentation).
    static func dateOrder(_ values: [String]) -> DateOrder {
        var sawUnpadded = false
        for value in values {
            guard let (a, b, _, widths) = ImportClock.slashParts(value) else { continue }
            if a > 12 { return .dayFirst }
            if b > 12 { return .monthFirst }
            if widths[0] == 1 || widths[1] == 1 { sawUnpadded = true }
        }
        return sawUnpadded ? .monthFirst : .dayFirst
    }

    static func date(_ text: String, order: DateOrder) -> (year: Int, month: Int, day: Int)? {
        if let (a, b, c, widths) = ImportClock.slashParts(text), widths[2] == 4 {
            let (day, month) = order == .dayFirst ? (a, b) : (b, a)
            return ImportClock.isValid(year: c, month: month, day: day) ? (c, month, day) : nil
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]),
           let d = Int(parts[2]), ImportClock.isValid(year: y, month: m, day: d) {
            return (y, m, d)
        }
        return nil
    }

    func parseRow(
        _ record: HistoricalCSV.Record, layout: Layout, order: DateOrder
    ) -> RowOutcome<(ImportedEvent, [ImportIssue])> {
        let line = record.line
        func skip(_ reason: String) -> RowOutcome<(ImportedEvent, [ImportIssue])> {
            .skipped(ImportIssue(line: line, reason: reason, effect: .rowSkipped))
        }
        guard let winner = record.value(layout.winner) else { return skip("missing winner") }
        guard let loser = record.value(layout.loser) else { return skip("missing loser") }
        guard winner != loser else { return skip("winner and loser are the same player") }
        guard let rawDate = record.value(layout.date) else { return skip("missing date") }
        guard let day = Self.date(rawDate, order: order),
              let start = ImportClock.instant(
                  year: day.year, month: day.month, day: day.day, hour: 12, minute: 0,
                  in: ImportClock.utc) else {
            return skip("invalid date '\(PriceCollector.clip(rawDate))'")
        }
        let winnerIsHome = winner < loser
        let (home, away) = winnerIsHome ? (winner, loser) : (loser, winner)

        var collector = PriceCollector(line: line)
        let capturedAt = ImportTiming.untimed(start)
        for price in layout.prices {
            let outcome: PriceOutcome = price.winnerSide == winnerIsHome ? .home : .away
            collector.decimal(
                record.value(price.column), column: price.name, book: price.book, market: .h2h,
                outcome: outcome, at: capturedAt, closing: false)
        }
        var issues = collector.issues
        let result = Self.result(record, layout: layout, winnerIsHome: winnerIsHome, issues: &issues)
        let event = ImportedEvent(
            sportKey: layout.sportKey, competition: record.value(layout.tournament), home: home, away: away,
            startsAt: start,
            externalID: "\(layout.tour):\(ImportClock.isoDay(year: day.year, month: day.month, day: day.day)):\(home):\(away)",
            snapshots: collector.snapshots, result: result, sourceLine: line)
        return .parsed((event, issues))
    }

    static func status(of comment: String?) -> (status: ResultOutcome, known: Bool) {
        guard let comment else { return (.finished, true) }
        let lower = comment.lowercased()
        if lower == "completed" { return (.finished, true) }
        if lower.hasPrefix("ret") || lower.hasPrefix("rrt") || lower.hasPrefix("disq") || lower == "awarded" {
            return (.retired, true)
        }
        if lower.hasPrefix("walk") || lower == "w/o" { return (.walkover, true) }
        if lower.hasPrefix("cancel") { return (.cancelled, true) }
        return (.finished, false)
    }

    static func result(
        _ record: HistoricalCSV.Record, layout: Layout, winnerIsHome: Bool, issues: inout [ImportIssue]
    ) -> ImportedResult {
        let comment = record.value(layout.comment)
        let (status, known) = status(of: comment)
        if !known, let comment {
            issues.append(ImportIssue(
                line: record.line,
                reason: "unknown Comment '\(PriceCollector.clip(comment))', treated as a completed match",
                effect: .warning))
        }
        // Games per set, winner/loser order, up to the first incomplete set.
        var sets: [(Int, Int)] = []
        for (w, l) in layout.games {
            guard let gw = record.value(w).flatMap(ImportNumber.integer),
                  let gl = record.value(l).flatMap(ImportNumber.integer) else { break }
            sets.append((gw, gl))
        }
        var winnerSets = record.value(layout.winnerSets).flatMap(ImportNumber.integer)
        var loserSets = record.value(layout.loserSets).flatMap(ImportNumber.integer)
        if winnerSets == nil || loserSets == nil {
            winnerSets = sets.filter { $0.0 > $0.1 }.count
            loserSets = sets.filter { $0.1 > $0.0 }.count
        }
        let ws = winnerSets ?? 0
        let ls = loserSets ?? 0
        let periods = sets.map { winnerIsHome ? [$0.0, $0.1] : [$0.1, $0.0] }
        return ImportedResult(
            homeScore: winnerIsHome ? ws : ls, awayScore: winnerIsHome ? ls : ws,
            periodScores: periods.isEmpty ? nil : periods, status: status,
            winner: status == .cancelled ? nil : (winnerIsHome ? .home : .away), notes: comment)
    }
}
