import Foundation
import MonPSCore

/// Prices and price-less lines of one SBR game (rules in ``SBRParser``).
struct SBRPrices {
    let pair: SBRPair
    let layout: SBRLayout
    let sport: SBRParser.Sport
    let start: Date
    var snapshots: [ImportedPrice] = []
    var lines: [ImportedLine] = []
    var issues: [ImportIssue] = []

    /// |moneyline| at or above this is flagged for NHL/MLB (not for NBA, where −5000 happens).
    static let implausibleMoneyline = 1000.0

    init(pair: SBRPair, layout: SBRLayout, sport: SBRParser.Sport, start: Date) {
        self.pair = pair
        self.layout = layout
        self.sport = sport
        self.start = start
    }

    mutating func collect() {
        let early = ImportTiming.early(start)
        let closing = ImportTiming.closing(start)
        let untimed = ImportTiming.untimed(start)
        switch sport {
        case .nhl, .mlb:
            moneylines(layout.open, name: "Open", at: early, closing: false)
            moneylines(layout.close, name: "Close", at: closing, closing: true)
            spreads(at: untimed)
            totals(layout.openTotal, name: "OpenOU", at: early, closing: false)
            totals(layout.closeTotal, name: "CloseOU", at: closing, closing: true)
        case .nba:
            moneylines(layout.moneyline, name: "ML", at: untimed, closing: false)
            quotedLines(layout.open, name: "Open", at: early, closing: false)
            quotedLines(layout.close, name: "Close", at: closing, closing: true)
        }
    }

    private mutating func add(
        _ row: SBRRow, column: Int?, name: String, market: MarketType, outcome: PriceOutcome, point: Double?,
        at capturedAt: Date, closing: Bool
    ) {
        var collector = PriceCollector(line: row.record.line)
        let raw = row.record.value(column)
        collector.american(
            raw, column: name, book: SBRParser.bookmakerKey, market: market, outcome: outcome, point: point,
            at: capturedAt, closing: closing)
        snapshots += collector.snapshots
        issues += collector.issues
        if market == .h2h, sport != .nba, let raw, let american = ImportNumber.decimal(raw),
           abs(american) >= Self.implausibleMoneyline, !collector.snapshots.isEmpty {
            issues.append(ImportIssue(
                line: row.record.line, reason: "\(name): implausible moneyline \(raw) (kept as in the file)",
                effect: .warning))
        }
    }

    private mutating func moneylines(_ column: Int?, name: String, at capturedAt: Date, closing: Bool) {
        guard let column else { return }
        add(pair.away, column: column, name: name, market: .h2h, outcome: .away, point: nil, at: capturedAt, closing: closing)
        add(pair.home, column: column, name: name, market: .h2h, outcome: .home, point: nil, at: capturedAt, closing: closing)
    }

    /// Puck line / run line: each row's own handicap and, in the next (unnamed) column, its price.
    private mutating func spreads(at capturedAt: Date) {
        guard let column = layout.spreadLine else { return }
        let name = layout.spreadName
        let awayPoint = pair.away.record.value(column).flatMap(ImportNumber.decimal)
        let homePoint = pair.home.record.value(column).flatMap(ImportNumber.decimal)
        if let awayPoint, let homePoint, awayPoint != -homePoint {
            issues.append(ImportIssue(
                line: pair.away.record.line,
                reason: "\(name): points \(awayPoint) (away) and \(homePoint) (home) are not opposite; both prices skipped",
                effect: .valueSkipped))
            return
        }
        for (row, point, outcome) in [(pair.away, awayPoint, PriceOutcome.away), (pair.home, homePoint, .home)] {
            guard row.record.value(column + 1) != nil else { continue }
            guard let point else {
                let raw = PriceCollector.clip(row.record.value(column) ?? "")
                issues.append(ImportIssue(
                    line: row.record.line, reason: "\(name): handicap '\(raw)' is not a valid line; its price skipped",
                    effect: .valueSkipped))
                continue
            }
            add(row, column: column + 1, name: "\(name) price", market: .spreads, outcome: outcome,
                point: point + 0.0, at: capturedAt, closing: false)
        }
    }

    /// Totals: visitor row = over (line + price), home row = under.
    private mutating func totals(_ column: Int?, name: String, at capturedAt: Date, closing: Bool) {
        guard let column else { return }
        let overPoint = pair.away.record.value(column).flatMap(ImportNumber.decimal)
        let underPoint = pair.home.record.value(column).flatMap(ImportNumber.decimal)
        if let overPoint, let underPoint, overPoint != underPoint {
            issues.append(ImportIssue(
                line: pair.away.record.line,
                reason: "\(name): totals \(overPoint) and \(underPoint) differ between the rows; both prices skipped",
                effect: .valueSkipped))
            return
        }
        for (row, point, outcome) in [(pair.away, overPoint, PriceOutcome.over), (pair.home, underPoint, .under)] {
            guard row.record.value(column + 1) != nil else { continue }
            guard let point, point > 0 else {
                let raw = PriceCollector.clip(row.record.value(column) ?? "")
                issues.append(ImportIssue(
                    line: row.record.line, reason: "\(name): total '\(raw)' is not a valid line; its price skipped",
                    effect: .valueSkipped))
                continue
            }
            add(row, column: column + 1, name: "\(name) price", market: .totals, outcome: outcome,
                point: point, at: capturedAt, closing: closing)
        }
    }

    private enum LineValue { case pick, number(Double) }

    /// NBA `Open`/`Close`: one row holds the spread (`pk` = 0), the other the total.
    private mutating func quotedLines(_ column: Int?, name: String, at capturedAt: Date, closing: Bool) {
        guard let column else { return }
        func read(_ row: SBRRow) -> LineValue?? {
            guard let raw = row.record.value(column) else { return .some(nil) }
            if raw.lowercased() == "pk" { return .some(.pick) }
            if let value = ImportNumber.decimal(raw), value >= 0 { return .some(.number(value)) }
            issues.append(ImportIssue(
                line: row.record.line, reason: "\(name): line '\(PriceCollector.clip(raw))' is not a number or pk",
                effect: .valueSkipped))
            return nil
        }
        guard let awayValue = read(pair.away), let homeValue = read(pair.home) else { return }
        var spread: (value: Double, favouriteIsHome: Bool?)
        var total: Double
        switch (awayValue, homeValue) {
        case (nil, nil):
            return
        case (.number(let a)?, .number(let h)?):
            spread = (min(a, h), a < h ? false : true)
            total = max(a, h)
        case (.pick?, .number(let h)?):
            spread = (0, nil)
            total = h
        case (.number(let a)?, .pick?):
            spread = (0, nil)
            total = a
        default:
            issues.append(ImportIssue(
                line: pair.away.record.line,
                reason: "\(name): cannot tell the spread from the total in this game's rows", effect: .valueSkipped))
            return
        }
        if spread.value == 0 { spread.favouriteIsHome = nil }
        let homePoint = spread.favouriteIsHome.map { $0 ? -spread.value : spread.value } ?? 0
        let book = SBRParser.bookmakerKey
        lines += [
            ImportedLine(bookmakerKey: book, market: .spreads, outcome: .home, point: homePoint + 0.0,
                         capturedAt: capturedAt, isClosing: closing),
            ImportedLine(bookmakerKey: book, market: .spreads, outcome: .away, point: -homePoint + 0.0,
                         capturedAt: capturedAt, isClosing: closing),
            ImportedLine(bookmakerKey: book, market: .totals, outcome: .over, point: total,
                         capturedAt: capturedAt, isClosing: closing),
            ImportedLine(bookmakerKey: book, market: .totals, outcome: .under, point: total,
                         capturedAt: capturedAt, isClosing: closing),
        ]
    }
}

/// The result of one SBR game (rules in ``SBRParser``).
enum SBRResults {
    static func result(
        pair: SBRPair, layout: SBRLayout, sport: SBRParser.Sport, issues: inout [ImportIssue]
    ) -> ImportedResult? {
        // Periods, [home, away], up to the first missing one.
        var periods: [[Int]] = []
        var periodsValid = true
        for column in layout.periods {
            let rawAway = pair.away.record.value(column)
            let rawHome = pair.home.record.value(column)
            guard let rawAway, let rawHome else { break }
            guard let away = periodValue(rawAway, sport: sport), let home = periodValue(rawHome, sport: sport) else {
                periodsValid = false
                let bad = periodValue(rawAway, sport: sport) == nil ? pair.away : pair.home
                issues.append(ImportIssue(
                    line: bad.record.line,
                    reason: "period score '\(PriceCollector.clip(bad.record.value(column) ?? ""))' is not valid; period scores dropped",
                    effect: .warning))
                break
            }
            periods.append([home, away])
        }
        if !periodsValid { periods = [] }
        let sumHome = periods.reduce(0) { $0 + $1[0] }
        let sumAway = periods.reduce(0) { $0 + $1[1] }
        let complete = periodsValid && !layout.periods.isEmpty && periods.count == layout.periods.count
        let regulation: (home: Int, away: Int)? = (sport != .mlb && complete) ? (sumHome, sumAway) : nil

        let rawAway = pair.away.record.value(layout.final)
        let rawHome = pair.home.record.value(layout.final)
        if rawAway == nil && rawHome == nil && periods.isEmpty { return nil }
        var finalHome: Int
        var finalAway: Int
        if let rawAway, let rawHome, let away = ImportNumber.integer(rawAway), let home = ImportNumber.integer(rawHome),
           away >= 0, home >= 0 {
            (finalHome, finalAway) = (home, away)
            if periodsValid, sumHome > home || sumAway > away {
                issues.append(ImportIssue(
                    line: pair.away.record.line,
                    reason: "Final \(away)-\(home) (away-home) is below the sum of the periods \(sumAway)-\(sumHome); result skipped",
                    effect: .valueSkipped))
                return nil
            }
        } else {
            let badRow = (rawAway.flatMap(ImportNumber.integer) == nil) ? pair.away : pair.home
            let shown = PriceCollector.clip(badRow.record.value(layout.final) ?? "")
            guard let regulation, regulation.home != regulation.away else {
                issues.append(ImportIssue(
                    line: badRow.record.line, reason: "Final '\(shown)' is not a score; result skipped",
                    effect: .valueSkipped))
                return nil
            }
            (finalHome, finalAway) = regulation
            issues.append(ImportIssue(
                line: badRow.record.line,
                reason: "Final '\(shown)' is not a score; taken from the periods (\(finalAway)-\(finalHome) away-home, not tied)",
                effect: .warning))
        }
        let winner = MatchResultSelection(home: finalHome, away: finalAway)
        return ImportedResult(
            homeScore: finalHome, awayScore: finalAway, regulationHome: regulation?.home,
            regulationAway: regulation?.away, periodScores: periods.isEmpty ? nil : periods,
            status: .finished, winner: winner, notes: winner == .draw ? "tied final score" : nil)
    }

    /// A period score: a whole number ≥ 0; MLB `x` (home side did not bat) counts as 0.
    static func periodValue(_ raw: String, sport: SBRParser.Sport) -> Int? {
        if sport == .mlb, raw.lowercased() == "x" { return 0 }
        guard let value = ImportNumber.integer(raw), value >= 0 else { return nil }
        return value
    }
}
