import Foundation
import MonPSCore

/// sportsbookreviewsonline.com ("SBR") NHL / MLB / NBA score-and-odds archives: two rows per game.
///
/// - Pairing: consecutive rows with the same `Date` whose `VH` flags are `V`+`H` (either order; the
///   flags decide home/away, a home-first pair gets a warning) or `N`+`N` (neutral site: the first
///   row is taken as away, the second as home — the nominal order of the file). A row that cannot
///   be paired is skipped with an issue and pairing resumes at the next row.
/// - Dates: `MMDD`/`MDD` without year. The year comes from the season in the file name
///   (`nhl_odds_2019-20` → 2019-20, `mlb_odds_2014` → 2014) or from ``Season`` passed to `init`.
///   Two-year seasons: July–December rows belong to the first year until a January–June row has
///   been seen; January–June rows, and every row after them, belong to the second year (so the
///   2020 NHL "bubble" in August–September is 2020, and a season starting in January is the
///   second year). A single year in a NHL/NBA file name names the season by its last year.
///   Single-year (MLB) seasons: every row is that year.
/// - Start: no time in the files: **19:00 America/New_York** of that day (DST aware).
/// - Prices (bookmaker key `sbr`, American odds → decimal with MonPSCore):
///   - NHL/MLB `Open`/`Close`: h2h opening (early, start − 48 h) / closing (start − 5 min).
///     |moneyline| ≥ 1000 is kept but flagged with a warning (source errors such as `-1253`).
///   - `PuckLine`/`RunLine`/`Run Line` + unnamed price column: spreads, each side's point from its
///     own row, timing unknown (start − 1 h, not closing). Points that are not opposite are skipped.
///   - `OpenOU`/`Open OU` and `CloseOU`/`Close OU` + unnamed price: totals early/closing; the
///     visitor row's price is the **over**, the home row's the **under** (SBR convention; on these
///     files the over wins more often when the visitor-row price is the shorter one).
///   - NBA `ML`: h2h, timing unknown (the file does not say open or close): start − 1 h.
///   - NBA `Open`/`Close`: in each game one row holds the spread (the favourite's row; `pk` = 0)
///     and the other the total (the larger number). They have no price, so they are returned as
///     ``ImportedEvent/quotedLines`` (early / closing), not as snapshots. `2H` is ignored.
/// - Result: `Final` (incl. OT / shoot-out / extra innings). NHL: regulation = sum of `1st`–`3rd`;
///   NBA: of `1st`–`4th`; MLB: no regulation (extra innings are not broken out). Periods go to
///   `periodScores` (MLB `x` = 0). A `Final` below the sum of the periods makes the result
///   unusable (skipped with an issue); an unreadable `Final` is taken from the periods when those
///   are complete and not tied (warning), else the result is skipped.
/// - externalID: `<NHL|MLB|NBA>:<yyyy-MM-dd>:<away>@<home>` (doubleheaders get `#2`).
public struct SBRParser: HistoricalFileParser {
    public static let source = ImportSource.sbr

    public enum Sport: String, Sendable, CaseIterable {
        case nhl, mlb, nba

        public var sportKey: String {
            switch self {
            case .nhl: "icehockey_nhl"
            case .mlb: "baseball_mlb"
            case .nba: "basketball_nba"
            }
        }

        var periodNames: [String] {
            let all = ["1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th"]
            switch self {
            case .nhl: return Array(all.prefix(3))
            case .nba: return Array(all.prefix(4))
            case .mlb: return all
            }
        }
    }

    /// The season of a file: one calendar year, or two (`2019-20` → startYear 2019).
    public struct Season: Sendable, Equatable {
        public var startYear: Int
        public var spansTwoYears: Bool
        public init(startYear: Int, spansTwoYears: Bool) {
            self.startYear = startYear
            self.spansTwoYears = spansTwoYears
        }
    }

    public let sport: Sport
    public let season: Season?
    public static let bookmakerKey = "sbr"

    /// - Parameter season: overrides the season derived from the file name.
    public init(sport: Sport, season: Season? = nil) {
        self.sport = sport
        self.season = season
    }

    /// The season named in a file name (`…2019-20…`, `…2019-2020…`, `…2014…`).
    public static func season(fromFileName fileName: String, sport: Sport) -> Season? {
        let name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let chars = Array(name)
        var index = 0
        while index < chars.count {
            guard chars[index].isASCII, chars[index].isNumber else { index += 1; continue }
            var end = index
            while end < chars.count, chars[end].isASCII, chars[end].isNumber { end += 1 }
            if end - index == 4, let year = Int(String(chars[index..<end])), (1900...2199).contains(year) {
                if end < chars.count, chars[end] == "-" || chars[end] == "_" {
                    var second = end + 1
                    while second < chars.count, chars[second].isASCII, chars[second].isNumber { second += 1 }
                    let digits = String(chars[(end + 1)..<second])
                    if let next = Int(digits),
                       (digits.count == 2 && next == (year + 1) % 100) || (digits.count == 4 && next == year + 1) {
                        return Season(startYear: year, spansTwoYears: true)
                    }
                }
                return sport == .mlb
                    ? Season(startYear: year, spansTwoYears: false)
                    : Season(startYear: year - 1, spansTwoYears: true)
            }
            index = end
        }
        return nil
    }

    public func parse(_ bytes: [UInt8], fileName: String) throws(ImportFileError) -> ParsedFile {
        guard let season = season ?? Self.season(fromFileName: fileName, sport: sport) else {
            throw ImportFileError(
                "cannot tell the season of '\(fileName)': the SBR dates have no year; name the file like nhl_odds_2019-20.csv or pass a season")
        }
        let document = try HistoricalTable.read(bytes, fallback: .windows1252)
        let layout = try SBRLayout(document, sport: sport)
        var issues = document.issues
        var rows: [SBRRow] = []
        for record in document.records {
            if let issue = document.widthIssue(record) { issues.append(issue); continue }
            switch SBRRow.read(record, layout: layout) {
            case .parsed(let row): rows.append(row)
            case .skipped(let issue): issues.append(issue)
            }
        }
        var events: [ImportedEvent] = []
        var ids = ExternalIDRegistry()
        var calendar = SeasonCalendar(season: season)
        var index = 0
        while index < rows.count {
            let first = rows[index]
            guard index + 1 < rows.count, let pair = SBRPair(first, rows[index + 1]) else {
                issues.append(ImportIssue(
                    line: first.record.line,
                    reason: "row (\(first.vh) \(PriceCollector.clip(first.team))) is not followed by its opponent's row on the same date",
                    effect: .rowSkipped))
                index += 1
                continue
            }
            index += 2
            let year = calendar.year(month: first.month)
            guard pair.home.team != pair.away.team else {
                issues.append(ImportIssue(
                    line: first.record.line, reason: "both rows name the same team", effect: .rowSkipped))
                continue
            }
            guard ImportClock.isValid(year: year, month: first.month, day: first.day),
                  let start = ImportClock.instant(
                      year: year, month: first.month, day: first.day, hour: 19, minute: 0, in: ImportClock.newYork)
            else {
                issues.append(ImportIssue(
                    line: first.record.line, reason: "invalid date '\(first.rawDate)' in \(year)", effect: .rowSkipped))
                continue
            }
            var gameIssues: [ImportIssue] = []
            if pair.homeListedFirst {
                gameIssues.append(ImportIssue(
                    line: first.record.line, reason: "home row listed before the visitor row; the VH flags are trusted",
                    effect: .warning))
            }
            var prices = SBRPrices(pair: pair, layout: layout, sport: sport, start: start)
            prices.collect()
            gameIssues += prices.issues
            let result = SBRResults.result(pair: pair, layout: layout, sport: sport, issues: &gameIssues)
            let league = sport.rawValue.uppercased()
            let iso = ImportClock.isoDay(year: year, month: first.month, day: first.day)
            events.append(ImportedEvent(
                sportKey: sport.sportKey, competition: league, home: pair.home.team, away: pair.away.team,
                startsAt: start, externalID: ids.unique("\(league):\(iso):\(pair.away.team)@\(pair.home.team)"),
                snapshots: prices.snapshots, quotedLines: prices.lines, result: result,
                sourceLine: first.record.line))
            issues += gameIssues
        }
        return ParsedFile(
            events: events, issues: ImportIssue.sortedByLine(issues), rowCount: document.records.count)
    }
}

/// Assigns calendar years to month numbers of a season, in file order.
struct SeasonCalendar {
    let season: SBRParser.Season
    private var wrapped = false

    init(season: SBRParser.Season) { self.season = season }

    mutating func year(month: Int) -> Int {
        guard season.spansTwoYears else { return season.startYear }
        if month <= 6 { wrapped = true }
        return wrapped ? season.startYear + 1 : season.startYear
    }
}

/// Column indexes of an SBR file (header names compared loosely: `Open OU` = `OpenOU`).
struct SBRLayout {
    let date: Int
    let vh: Int
    let team: Int
    let final: Int?
    let periods: [Int]
    let open: Int?
    let close: Int?
    let moneyline: Int?
    let spreadLine: Int?
    /// Header name of the spread column (`PuckLine`, `Run Line`, `RunLine`).
    let spreadName: String
    let openTotal: Int?
    let closeTotal: Int?

    init(_ document: HistoricalCSV.Document, sport: SBRParser.Sport) throws(ImportFileError) {
        guard let date = document.looseIndex(of: "Date"), let vh = document.looseIndex(of: "VH"),
              let team = document.looseIndex(of: "Team") else {
            throw ImportFileError("not an SBR odds archive: missing 'Date', 'VH' or 'Team' column")
        }
        self.date = date
        self.vh = vh
        self.team = team
        final = document.looseIndex(of: "Final")
        var periods: [Int] = []
        for name in sport.periodNames {
            guard let column = document.looseIndex(of: name) else { break }
            periods.append(column)
        }
        self.periods = periods
        open = document.looseIndex(of: "Open")
        close = document.looseIndex(of: "Close")
        moneyline = sport == .nba ? document.looseIndex(of: "ML") : nil
        spreadLine = sport == .nba ? nil
            : (document.looseIndex(of: sport == .nhl ? "PuckLine" : "RunLine") ?? document.looseIndex(of: "Line"))
        spreadName = spreadLine.map { document.header[$0] } ?? "Line"
        openTotal = sport == .nba ? nil : document.looseIndex(of: "OpenOU")
        closeTotal = sport == .nba ? nil : document.looseIndex(of: "CloseOU")
        if sport != .nba, open == nil, close == nil {
            throw ImportFileError("not an SBR \(sport.rawValue.uppercased()) archive: no 'Open'/'Close' moneyline columns")
        }
        if sport == .nba, moneyline == nil, open == nil {
            throw ImportFileError("not an SBR NBA archive: no 'ML' or 'Open' column")
        }
    }
}

/// One row of an SBR file with its fixed fields read.
struct SBRRow {
    let record: HistoricalCSV.Record
    let rawDate: String
    let month: Int
    let day: Int
    let vh: String
    let team: String

    static func read(_ record: HistoricalCSV.Record, layout: SBRLayout) -> RowOutcome<SBRRow> {
        func skip(_ reason: String) -> RowOutcome<SBRRow> {
            .skipped(ImportIssue(line: record.line, reason: reason, effect: .rowSkipped))
        }
        guard let rawDate = record.value(layout.date) else { return skip("missing date") }
        guard rawDate.count <= 4, let number = ImportNumber.integer(rawDate), number >= 101,
              (1...12).contains(number / 100), (1...31).contains(number % 100) else {
            return skip("invalid date '\(PriceCollector.clip(rawDate))' (expected MMDD)")
        }
        guard let vh = record.value(layout.vh)?.uppercased(), ["V", "H", "N"].contains(vh) else {
            return skip("VH must be V, H or N")
        }
        guard let team = record.value(layout.team) else { return skip("missing team") }
        return .parsed(SBRRow(record: record, rawDate: rawDate, month: number / 100, day: number % 100, vh: vh, team: team))
    }
}

/// The two rows of one game, oriented.
struct SBRPair {
    let away: SBRRow
    let home: SBRRow
    let homeListedFirst: Bool

    init?(_ first: SBRRow, _ second: SBRRow) {
        guard first.rawDate == second.rawDate else { return nil }
        switch (first.vh, second.vh) {
        case ("V", "H"), ("N", "N"): (away, home, homeListedFirst) = (first, second, false)
        case ("H", "V"): (away, home, homeListedFirst) = (second, first, true)
        default: return nil
        }
    }
}
