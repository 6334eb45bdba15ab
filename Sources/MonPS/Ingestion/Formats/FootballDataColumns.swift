import MonPSCore

/// The odds columns of football-data.co.uk files, by header name.
///
/// Bookmaker prefixes (1X2 prefix / totals-and-AH prefix → MonPS bookmaker key):
///
/// | 1X2 | O/U, AH | key |
/// |---|---|---|
/// | `B365` | `B365` | `bet365` |
/// | `BW` | `BW` | `bwin` |
/// | `IW` | `IW` | `interwetten` |
/// | `PS` | `P` | `pinnacle` |
/// | `WH` | `WH` | `williamhill` |
/// | `VC` | `VC` | `vcbet` |
/// | `LB` | `LB` | `ladbrokes` |
/// | `GB` | `GB` | `gamebookers` |
/// | `SB` | `SB` | `sportingbet` |
/// | `SJ` | `SJ` | `stanjames` |
/// | `BS` | `BS` | `bluesquare` |
/// | `BFD` | `BFD` | `betfred` |
/// | `BMGM` | `BMGM` | `betmgm` |
/// | `BV` | `BV` | `betvictor` |
/// | `CL` | `CL` | `coral` |
/// | `BFE` | `BFE` | `betfair_ex` |
/// | `Max` | `Max` | `market_max` |
/// | `Avg` | `Avg` | `market_avg` |
/// | `BbMx` | `BbMx` | `betbrain_max` |
/// | `BbAv` | `BbAv` | `betbrain_avg` |
///
/// Column patterns (`X` = 1X2 prefix, `Y` = O/U-AH prefix; a `C` after the prefix = closing):
/// - h2h: `XH`/`XD`/`XA`, closing `XCH`/`XCD`/`XCA` (plus the IRL misspelling `B36CA` = `B365CA`).
/// - totals 2.5: `Y>2.5`/`Y<2.5`, closing `YC>2.5`/`YC<2.5`.
/// - Asian handicap: `YAHH`/`YAHA` at the home line `AHh` (`BbAHh` for BetBrain, or a book's own
///   `YAHh` when present); closing `YCAHH`/`YCAHA` at `AHCh`. The away point is −line.
///
/// Anything else (`Bb1X2`, `BbOU`, `BbAH` counts, match statistics) is not a price and is ignored.
enum FootballDataColumns {
    struct Book {
        let oneXTwo: String
        let other: String
        let key: String
    }

    static let books: [Book] = [
        Book(oneXTwo: "B365", other: "B365", key: "bet365"),
        Book(oneXTwo: "BW", other: "BW", key: "bwin"),
        Book(oneXTwo: "IW", other: "IW", key: "interwetten"),
        Book(oneXTwo: "PS", other: "P", key: "pinnacle"),
        Book(oneXTwo: "WH", other: "WH", key: "williamhill"),
        Book(oneXTwo: "VC", other: "VC", key: "vcbet"),
        Book(oneXTwo: "LB", other: "LB", key: "ladbrokes"),
        Book(oneXTwo: "GB", other: "GB", key: "gamebookers"),
        Book(oneXTwo: "SB", other: "SB", key: "sportingbet"),
        Book(oneXTwo: "SJ", other: "SJ", key: "stanjames"),
        Book(oneXTwo: "BS", other: "BS", key: "bluesquare"),
        Book(oneXTwo: "BFD", other: "BFD", key: "betfred"),
        Book(oneXTwo: "BMGM", other: "BMGM", key: "betmgm"),
        Book(oneXTwo: "BV", other: "BV", key: "betvictor"),
        Book(oneXTwo: "CL", other: "CL", key: "coral"),
        Book(oneXTwo: "BFE", other: "BFE", key: "betfair_ex"),
        Book(oneXTwo: "Max", other: "Max", key: "market_max"),
        Book(oneXTwo: "Avg", other: "Avg", key: "market_avg"),
        Book(oneXTwo: "BbMx", other: "BbMx", key: "betbrain_max"),
        Book(oneXTwo: "BbAv", other: "BbAv", key: "betbrain_avg"),
    ]

    /// What one odds column holds (a class: copied by reference in the per-row loop).
    final class Spec: Sendable {
        let book: String
        let market: MarketType
        let outcome: PriceOutcome
        let closing: Bool
        /// Totals: the fixed line; spreads: `nil` (read from `lineColumns`).
        let fixedPoint: Double?
        /// Spreads: candidate names of the home-line column, first present wins.
        let lineColumns: [String]
        /// Spreads: +1 home, −1 away (away point = −line).
        let lineSign: Double

        init(
            book: String, market: MarketType, outcome: PriceOutcome, closing: Bool, fixedPoint: Double?,
            lineColumns: [String], lineSign: Double
        ) {
            self.book = book
            self.market = market
            self.outcome = outcome
            self.closing = closing
            self.fixedPoint = fixedPoint
            self.lineColumns = lineColumns
            self.lineSign = lineSign
        }
    }

    /// A spec bound to the column indexes of one file.
    struct Bound: Sendable {
        let column: Int
        let name: String
        let spec: Spec
        /// Spreads: index of the line column in this file (`nil` = no line column present).
        let lineColumn: Int?
        /// Spreads: name of that line column (or of the expected one when absent).
        let lineName: String
    }

    static let specs: [String: Spec] = {
        var table: [String: Spec] = [:]
        for book in books {
            for (closing, c) in [(false, ""), (true, "C")] {
                for (suffix, outcome) in [("H", PriceOutcome.home), ("D", .draw), ("A", .away)] {
                    table["\(book.oneXTwo)\(c)\(suffix)"] = Spec(
                        book: book.key, market: .h2h, outcome: outcome, closing: closing,
                        fixedPoint: nil, lineColumns: [], lineSign: 1)
                }
                for (suffix, outcome) in [(">2.5", PriceOutcome.over), ("<2.5", .under)] {
                    table["\(book.other)\(c)\(suffix)"] = Spec(
                        book: book.key, market: .totals, outcome: outcome, closing: closing,
                        fixedPoint: 2.5, lineColumns: [], lineSign: 1)
                }
                let lines: [String]
                if closing {
                    lines = ["\(book.other)CAHh", "AHCh"]
                } else if book.other.hasPrefix("Bb") {
                    lines = ["BbAHh"]
                } else {
                    lines = ["\(book.other)AHh", "AHh"]
                }
                for (suffix, outcome, sign) in [("AHH", PriceOutcome.home, 1.0), ("AHA", .away, -1.0)] {
                    table["\(book.other)\(c)\(suffix)"] = Spec(
                        book: book.key, market: .spreads, outcome: outcome, closing: closing,
                        fixedPoint: nil, lineColumns: lines, lineSign: sign)
                }
            }
        }
        // football-data "extra league" files spell the Bet365 closing away column `B36CA`.
        table["B36CA"] = table["B365CA"]
        return table
    }()

    /// The odds columns of `header`, in header order.
    static func bind(_ header: [String]) -> [Bound] {
        var bound: [Bound] = []
        for (column, name) in header.enumerated() {
            guard let spec = specs[name] else { continue }
            let lineName = spec.lineColumns.first { header.contains($0) } ?? spec.lineColumns.last ?? ""
            let lineColumn = spec.lineColumns.isEmpty ? nil : header.firstIndex(of: lineName)
            bound.append(Bound(column: column, name: name, spec: spec, lineColumn: lineColumn, lineName: lineName))
        }
        return bound
    }
}
