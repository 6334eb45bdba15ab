import Foundation
import MonPSCore
@testable import MonPS

/// A hand-made football-data.co.uk file: three Premier League matches on 10/08/2019 (15:00 UK = 14:00 UTC).
///
/// 1. Arsenal–Burnley 2-1: five bookmakers plus Max/Avg aggregates on 1X2, Bet365 and Pinnacle on totals 2.5
///    and on the Asian handicap −0.5. The market maximum (MaxH 2.40, William Hill's price) beats
///    1/(1/AvgH − 0.05) = 2.384 with AvgH 2.13, so agent A bets it at `market_max`, as Kaunitz et al. did.
/// 2. Chelsea–Leicester: no score (not played yet) → skipped.
/// 3. Everton–Watford 0-0: ordinary prices, h2h and totals only (AH columns empty).
///
/// Closing columns (`PSC…`, `B365C…`, `PC…`, `AHCh`) come after the early ones; `closing` replaces their values.
enum BacktestFixtures {
    static let header = [
        "Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR",
        "B365H", "B365D", "B365A", "BWH", "BWD", "BWA", "IWH", "IWD", "IWA", "PSH", "PSD", "PSA", "WHH", "WHD", "WHA",
        "MaxH", "MaxD", "MaxA", "AvgH", "AvgD", "AvgA",
        "B365>2.5", "B365<2.5", "P>2.5", "P<2.5", "AHh", "B365AHH", "B365AHA", "PAHH", "PAHA",
        // Closing columns from here on.
        "PSCH", "PSCD", "PSCA", "B365CH", "B365CD", "B365CA", "PC>2.5", "PC<2.5", "AHCh", "PCAHH", "PCAHA",
    ]
    static let closingColumns = 11

    static let early: [[String]] = [
        ["E0", "10/08/2019", "15:00", "Arsenal", "Burnley", "2", "1", "H",
         "2.10", "3.40", "3.60", "2.05", "3.30", "3.70", "2.00", "3.30", "3.50", "2.12", "3.45", "3.75", "2.40", "3.20", "3.40",
         "2.40", "3.45", "3.75", "2.13", "3.33", "3.59",
         "1.90", "1.95", "1.92", "1.98", "-0.5", "2.05", "1.85", "2.07", "1.87"],
        ["E0", "10/08/2019", "17:30", "Chelsea", "Leicester", "", "", "",
         "1.50", "4.20", "6.50", "1.50", "4.00", "6.25", "1.48", "4.10", "6.40", "1.52", "4.25", "6.70", "1.50", "4.00", "6.50",
         "1.55", "4.30", "7.00", "1.50", "4.10", "6.50",
         "1.60", "2.30", "1.62", "2.35", "-1", "1.95", "1.95", "1.97", "1.96"],
        ["E0", "10/08/2019", "15:00", "Everton", "Watford", "0", "0", "D",
         "1.80", "3.60", "4.50", "1.80", "3.50", "4.40", "1.78", "3.55", "4.50", "1.82", "3.70", "4.60", "1.80", "3.50", "4.33",
         "1.85", "3.75", "4.75", "1.80", "3.55", "4.45",
         "2.00", "1.85", "2.02", "1.88", "", "", "", "", ""],
    ]

    static let defaultClosing: [[String]] = [
        ["1.95", "3.60", "4.20", "1.91", "3.50", "4.33", "1.85", "2.05", "-0.5", "1.97", "1.95"],
        ["1.45", "4.50", "7.50", "1.44", "4.33", "7.50", "1.55", "2.45", "-1", "1.90", "2.00"],
        ["1.75", "3.80", "4.90", "1.73", "3.75", "5.00", "2.10", "1.80", "-0.25", "1.90", "2.00"],
    ]

    /// Closing values that would make every agent bet if it could see them (huge prices everywhere).
    static let luringClosing: [[String]] = Array(
        repeating: ["9.50", "9.50", "9.50", "9.00", "9.00", "9.00", "5.00", "5.00", "-0.5", "5.00", "5.00"], count: 3)

    static func csv(closing: [[String]] = defaultClosing) -> String {
        var lines = [header.joined(separator: ",")]
        for (row, close) in zip(early, closing) { lines.append((row + close).joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func parsed(closing: [[String]] = defaultClosing) throws -> ParsedFile {
        try FootballDataParser().parse(Array(csv(closing: closing).utf8), fileName: "E0_2019-20.csv")
    }

    /// Writes the file as `<temp>/<id>/football/E0_2019-20.csv` and returns the football folder.
    static func footballFolder(closing: [[String]] = defaultClosing) throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("monps-backtest-\(UUID().uuidString)").appendingPathComponent("football")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try csv(closing: closing).write(to: folder.appendingPathComponent("E0_2019-20.csv"), atomically: true, encoding: .utf8)
        return folder.path
    }
}
