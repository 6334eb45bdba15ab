import Foundation
import MonPSCore

/// football-data.co.uk match files: the main-league layout (`Div,Date,[Time,]HomeTeam,…`, 62–132
/// columns) and the "extra league" layout (`Country,League,Season,Date,Time,Home[Team],…`, e.g.
/// `IRL`). Every column is looked up by header name.
///
/// - Sport: `Div` → ``divisionSportKeys`` (`E0` → `soccer_epl`, …, `SC0` → `soccer_spl`); extra
///   layout: `Country` → ``countryCodes`` (`Ireland` → `IRL` → `soccer_league_of_ireland`; 16 countries).
///   `competition` is the league code (`E0`, `IRL`).
/// - Start: `Date` is day first (`dd/mm/yy` → 20yy, or `dd/mm/yyyy`); `Time` (`HH:MM`) is UK local
///   time (Europe/London, DST aware). Without a Time column or value: **15:00 UK local**.
/// - Prices: see ``FootballDataColumns`` for the column ↔ bookmaker/market table. Columns without
///   the `C` are early prices (`capturedAt` = start − 48 h), with the `C` closing (start − 5 min).
/// - Result: `FTHG`/`FTAG` (or `HG`/`AG`) full time = regulation, `FTR`/`Res` checked against the
///   goals, half time `HTHG`/`HTAG` as `periodScores` `[[home, away]]`. No goals → no result.
/// - externalID: `<code>:<yyyy-MM-dd>:<home>:<away>`, e.g. `E0:2019-08-09:Liverpool:Norwich`.
/// - Issues: bad date, missing team, unknown league or wrong field count skip the row; a price
///   that is not a number or ≤ 1.0 (the files contain `0`), an AH price without a line, or
///   unreadable goals skip only that value; an unreadable Time keeps the row at 15:00 (warning).
public struct FootballDataParser: HistoricalFileParser {
    public static let source = ImportSource.footballData

    /// football-data.co.uk league codes → MonPS sport keys: every main league and every extra league the publisher
    /// has (migration 0018 stores the same table as `sport_aliases`; a test keeps the two equal).
    public static let divisionSportKeys: [String: String] = [
        "E0": "soccer_epl", "E1": "soccer_efl_champ", "E2": "soccer_england_league1",
        "E3": "soccer_england_league2", "EC": "soccer_england_national_league",
        "SC0": "soccer_spl", "SC1": "soccer_scotland_championship", "SC2": "soccer_scotland_league_one",
        "SC3": "soccer_scotland_league_two",
        "D1": "soccer_germany_bundesliga", "D2": "soccer_germany_bundesliga2",
        "I1": "soccer_italy_serie_a", "I2": "soccer_italy_serie_b",
        "SP1": "soccer_spain_la_liga", "SP2": "soccer_spain_segunda_division",
        "F1": "soccer_france_ligue_one", "F2": "soccer_france_ligue_two",
        "N1": "soccer_netherlands_eredivisie", "B1": "soccer_belgium_first_div",
        "P1": "soccer_portugal_primeira_liga", "T1": "soccer_turkey_super_league",
        "G1": "soccer_greece_super_league",
        // Extra leagues (one file per country).
        "ARG": "soccer_argentina_primera_division", "AUT": "soccer_austria_bundesliga",
        "BRA": "soccer_brazil_campeonato", "CHN": "soccer_china_superleague", "DNK": "soccer_denmark_superliga",
        "FIN": "soccer_finland_veikkausliiga", "IRL": "soccer_league_of_ireland", "JPN": "soccer_japan_j_league",
        "MEX": "soccer_mexico_ligamx", "NOR": "soccer_norway_eliteserien", "POL": "soccer_poland_ekstraklasa",
        "ROU": "soccer_romania_liga_1", "RUS": "soccer_russia_premier_league", "SWE": "soccer_sweden_allsvenskan",
        "SWZ": "soccer_switzerland_superleague", "USA": "soccer_usa_mls",
    ]

    /// Extra-league `Country` values → league code (the codes themselves are accepted too).
    public static let countryCodes: [String: String] = [
        "Argentina": "ARG", "Austria": "AUT", "Brazil": "BRA", "China": "CHN", "Denmark": "DNK", "Finland": "FIN",
        "Ireland": "IRL", "Japan": "JPN", "Mexico": "MEX", "Norway": "NOR", "Poland": "POL", "Romania": "ROU",
        "Russia": "RUS", "Sweden": "SWE", "Switzerland": "SWZ", "USA": "USA",
    ]

    /// Default kick-off when the file has no time: 15:00 UK local.
    public static let defaultKickOff = (hour: 15, minute: 0)

    public init() {}

    public func parse(_ bytes: [UInt8], fileName: String) throws(ImportFileError) -> ParsedFile {
        let document = try HistoricalTable.read(bytes, fallback: .windows1252)
        let layout = try Layout(document)
        let priceColumns = FootballDataColumns.bind(document.header)
        var issues = document.issues
        var events: [ImportedEvent] = []
        var ids = ExternalIDRegistry()
        for record in document.records {
            if let issue = document.widthIssue(record) { issues.append(issue); continue }
            switch parseRow(record, layout: layout, prices: priceColumns, fileName: fileName) {
            case .parsed(let parsed):
                var event = parsed.event
                event.externalID = ids.unique(event.externalID)
                events.append(event)
                issues += parsed.issues
            case .skipped(let issue):
                issues.append(issue)
            }
        }
        return ParsedFile(
            events: events, issues: ImportIssue.sortedByLine(issues), rowCount: document.records.count)
    }

    // MARK: - Layout

    /// The column indexes of one file.
    struct Layout {
        let division: Int?
        let country: Int?
        let date: Int
        let time: Int?
        let home: Int
        let away: Int
        let homeGoals: Int?
        let awayGoals: Int?
        let fullTimeResult: Int?
        let halfHome: Int?
        let halfAway: Int?
        /// BetBrain's book counts (`Bb1X2`, `BbOU`, `BbAH`) by market.
        let bookCounts: [(market: MarketType, column: Int)]

        init(_ document: HistoricalCSV.Document) throws(ImportFileError) {
            division = document.index(of: "Div")
            country = document.index(of: "Country")
            guard division != nil || (country != nil && document.index(of: "League") != nil) else {
                throw ImportFileError(
                    "not a football-data.co.uk file: no 'Div' column (main leagues) and no 'Country'/'League' columns (extra leagues)")
            }
            guard let date = document.index(of: "Date"),
                  let home = document.index(ofAny: ["HomeTeam", "Home"]),
                  let away = document.index(ofAny: ["AwayTeam", "Away"]) else {
                throw ImportFileError("not a football-data.co.uk file: missing 'Date', 'HomeTeam' or 'AwayTeam' column")
            }
            self.date = date
            self.home = home
            self.away = away
            time = document.index(of: "Time")
            homeGoals = document.index(ofAny: ["FTHG", "HG"])
            awayGoals = document.index(ofAny: ["FTAG", "AG"])
            fullTimeResult = document.index(ofAny: ["FTR", "Res"])
            halfHome = document.index(of: "HTHG")
            halfAway = document.index(of: "HTAG")
            bookCounts = [(MarketType.h2h, "Bb1X2"), (.totals, "BbOU"), (.spreads, "BbAH")].compactMap { market, name in
                document.index(of: name).map { (market, $0) }
            }
        }
    }

    struct RowResult {
        var event: ImportedEvent
        var issues: [ImportIssue]
    }

    // MARK: - Rows

    func parseRow(
        _ record: HistoricalCSV.Record, layout: Layout, prices: [FootballDataColumns.Bound], fileName: String
    ) -> RowOutcome<RowResult> {
        let line = record.line
        func skip(_ reason: String) -> RowOutcome<RowResult> {
            .skipped(ImportIssue(line: line, reason: reason, effect: .rowSkipped))
        }
        // League.
        let code: String
        if layout.division != nil {
            guard let div = record.value(layout.division) ?? Self.codeFromFileName(fileName) else {
                return skip("missing league code (Div)")
            }
            code = div
        } else {
            guard let country = record.value(layout.country) else { return skip("missing Country") }
            guard let mapped = Self.countryCodes[country]
                ?? (Self.divisionSportKeys[country] != nil && country.count == 3 ? country : nil) else {
                return skip("no MonPS league for country '\(PriceCollector.clip(country))'")
            }
            code = mapped
        }
        guard let sportKey = Self.divisionSportKeys[code] else {
            return skip("unknown league code '\(PriceCollector.clip(code))' (no MonPS sport key)")
        }
        // Teams and date.
        guard let home = record.value(layout.home) else { return skip("missing home team") }
        guard let away = record.value(layout.away) else { return skip("missing away team") }
        guard home != away else { return skip("home and away team are the same") }
        guard let rawDate = record.value(layout.date) else { return skip("missing date") }
        guard let day = Self.dayFirstDate(rawDate) else {
            return skip("invalid date '\(PriceCollector.clip(rawDate))' (expected dd/mm/yy or dd/mm/yyyy)")
        }
        var issues: [ImportIssue] = []
        var kickOff = Self.defaultKickOff
        if let rawTime = record.value(layout.time) {
            if let (hour, minute) = ImportClock.clock(rawTime) {
                kickOff = (hour, minute)
            } else {
                issues.append(ImportIssue(
                    line: line, reason: "invalid time '\(PriceCollector.clip(rawTime))', 15:00 UK time assumed",
                    effect: .warning))
            }
        }
        guard let start = ImportClock.instant(
            year: day.year, month: day.month, day: day.day, hour: kickOff.hour, minute: kickOff.minute,
            in: ImportClock.london) else { return skip("invalid date '\(rawDate)'") }

        // Prices.
        var collector = PriceCollector(line: line)
        let early = ImportTiming.early(start)
        let closing = ImportTiming.closing(start)
        for column in prices {
            guard let raw = record.value(column.column) else { continue }
            let spec = column.spec
            var point = spec.fixedPoint
            if spec.market == .spreads {
                guard let lineText = record.value(column.lineColumn),
                      let homeLine = ImportNumber.decimal(lineText) else {
                    collector.skip("\(column.name): Asian-handicap price without a readable line in \(column.lineName)")
                    continue
                }
                point = homeLine * spec.lineSign + 0.0  // + 0.0 turns −0.0 into 0.0
            }
            collector.decimal(
                raw, column: column.name, book: spec.book, market: spec.market, outcome: spec.outcome,
                point: point, at: spec.closing ? closing : early, closing: spec.closing)
        }
        issues += collector.issues

        // Result.
        let result = Self.result(record, layout: layout, issues: &issues)
        var counts: [MarketType: Int] = [:]
        for (market, column) in layout.bookCounts {
            if let count = record.value(column).flatMap(ImportNumber.integer), count > 0 { counts[market] = count }
        }
        let event = ImportedEvent(
            sportKey: sportKey, competition: code, home: home, away: away, startsAt: start,
            externalID: "\(code):\(ImportClock.isoDay(year: day.year, month: day.month, day: day.day)):\(home):\(away)",
            snapshots: collector.snapshots, result: result, sourceLine: line, aggregateBookCounts: counts)
        return .parsed(RowResult(event: event, issues: issues))
    }

    static func result(
        _ record: HistoricalCSV.Record, layout: Layout, issues: inout [ImportIssue]
    ) -> ImportedResult? {
        let line = record.line
        let rawHome = record.value(layout.homeGoals)
        let rawAway = record.value(layout.awayGoals)
        if rawHome == nil && rawAway == nil { return nil }
        guard let rawHome, let rawAway, let homeGoals = ImportNumber.integer(rawHome),
              let awayGoals = ImportNumber.integer(rawAway), homeGoals >= 0, awayGoals >= 0 else {
            issues.append(ImportIssue(
                line: line,
                reason: "unreadable full-time score '\(PriceCollector.clip(rawHome ?? ""))'-'\(PriceCollector.clip(rawAway ?? ""))' (result skipped)",
                effect: .valueSkipped))
            return nil
        }
        let winner = MatchResultSelection(home: homeGoals, away: awayGoals)
        if let ftr = record.value(layout.fullTimeResult) {
            let stated: MatchResultSelection? = switch ftr {
            case "H": .home
            case "D": .draw
            case "A": .away
            default: nil
            }
            if stated != winner {
                issues.append(ImportIssue(
                    line: line, reason: "result '\(PriceCollector.clip(ftr))' disagrees with the score \(homeGoals)-\(awayGoals); the score wins",
                    effect: .warning))
            }
        }
        var periods: [[Int]]?
        if let half = record.value(layout.halfHome).flatMap(ImportNumber.integer),
           let halfAway = record.value(layout.halfAway).flatMap(ImportNumber.integer) {
            periods = [[half, halfAway]]
        }
        return ImportedResult(
            homeScore: homeGoals, awayScore: awayGoals, regulationHome: homeGoals, regulationAway: awayGoals,
            periodScores: periods, status: .finished, winner: winner)
    }

    /// `dd/mm/yy` (→ 20yy; 50–99 → 19yy) or `dd/mm/yyyy`.
    static func dayFirstDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        guard let (day, month, rawYear, widths) = ImportClock.slashParts(text),
              widths[2] == 2 || widths[2] == 4 else { return nil }
        let year = widths[2] == 2 ? (rawYear < 50 ? 2000 + rawYear : 1900 + rawYear) : rawYear
        guard ImportClock.isValid(year: year, month: month, day: day) else { return nil }
        return (year, month, day)
    }

    /// `E0` from `E0_2019-20.csv` / `E0.csv`, used only when a row's `Div` is blank.
    static func codeFromFileName(_ fileName: String) -> String? {
        let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let code = base.prefix { $0.isLetter || $0.isNumber }
        return code.isEmpty ? nil : String(code)
    }
}
