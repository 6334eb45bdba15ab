import Foundation
import MonPSCore

/// Renders a ``BacktestSummary`` as the terminal table or as JSON (same figures). Pure.
enum BacktestText {
    static func json(_ summary: BacktestSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    static func table(_ s: BacktestSummary) -> String {
        let r = s.run, d = s.data, f = s.figures
        var lines: [String] = []
        lines.append(
            "backtest: agent \(r.agent) (\(r.agentKeys.joined(separator: ", "))), staking \(r.staking), "
                + "bankroll \(money(r.bankrollMinor)), seed \(r.seed), \(r.resamples) resamples")
        lines.append(
            "data: \(d.files) file(s), \(d.events) events replayed (\(d.eventsWithoutResult) without a result, "
                + "\(d.duplicateEvents) duplicate, \(d.eventsOutsideFilter) outside the filters, "
                + "\(d.eventsWithoutPrices) without a pre-match price), \(d.markets) markets ("
                + MarketType.allCases.map { "\($0.rawValue) \(d.marketsByType[$0.rawValue] ?? 0)" }.joined(separator: ", ") + "), "
                + "\(d.marketsWithCandidates) with a candidate, \(d.skippedForStake) candidate(s) skipped for lack of bankroll")
        lines.append("")
        var rows: [(String, String)] = [
            ("bets", "\(f.bets)"),
            ("void bets", "\(f.voidBets)"),
            ("hit rate", percent(f.hitRate)),
            ("average odds", f.averageOdds.map { String(format: "%.3f", $0) } ?? "–"),
            ("staked", money(f.stakedMinor)),
            ("profit", money(f.profitMinor, signed: true)),
            ("yield (profit / staked)", percent(f.yield, signed: true)),
            ("ROI (profit / bankroll)", percent(f.roi, signed: true)),
            ("Sharpe (per bet)", f.sharpe.map { String(format: "%.4f", $0) } ?? "–"),
            ("max drawdown", money(f.maxDrawdownMinor) + (f.maxDrawdownPercent.map { " (\(percent($0)))" } ?? "")),
            ("average CLV", percent(f.averageClosingLineValue, signed: true) + " (\(f.clvBets) bets with a sharp close)"),
            ("beat the close", percent(f.beatCloseShare)),
            ("p-value vs random bets", f.pValue.map { String(format: "%.4f", $0) + " (\(f.pValueTest ?? ""))" } ?? "–"),
            ("final bankroll", money(f.finalBankrollMinor)),
        ]
        let width = rows.map { $0.0.count }.max()! + 2
        rows.insert(("metric", "value"), at: 0)
        lines += rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }

        lines.append("")
        lines.append(row(["market", "bets", "hit rate", "staked", "profit", "yield"], [8, 8, 10, 14, 14, 10]))
        for m in s.byMarket {
            lines.append(row(
                [m.market, "\(m.bets)", percent(m.hitRate), money(m.stakedMinor), money(m.profitMinor, signed: true),
                 percent(m.yield, signed: true)], [8, 8, 10, 14, 14, 10]))
        }

        let k = s.kaunitz
        lines.append("")
        lines.append("Kaunitz et al. (2017) table, h2h bets (expected accuracy = mean of 1/mean odds + their Figure 1 intercepts)")
        lines.append(row(["bets", "accuracy", "expected accuracy", "1/mean odds", "return"], [8, 10, 19, 13, 10]))
        lines.append(row(
            ["\(k.bets)", percent(k.accuracy), percent(k.expectedAccuracy), percent(k.consensusProbability),
             percent(k.return, signed: true)], [8, 10, 19, 13, 10]))
        return lines.joined(separator: "\n")
    }

    /// First column left-aligned, the others right-aligned.
    static func row(_ cells: [String], _ widths: [Int]) -> String {
        cells.indices.map { index in
            let cell = cells[index]
            let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
            return index == 0 ? cell + pad : pad + cell
        }.joined()
    }

    /// Minor units as major with two decimals: `1234.50`, `+12.00`, `-3.05`.
    static func money(_ minor: Int64, signed: Bool = false) -> String {
        let magnitude = minor.magnitude
        let cents = magnitude % 100
        let text = "\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
        if minor < 0 { return "-" + text }
        return signed ? "+" + text : text
    }

    static func percent(_ value: Double?, signed: Bool = false) -> String {
        guard let value else { return "–" }
        return String(format: signed ? "%+.2f%%" : "%.2f%%", 100 * value)
    }
}
