import Foundation
import MonPSCore

extension AnalyticsService {
    /// The balance series: ledger flows per interval from the first entry, balances accumulated from 0 (a bankroll's
    /// ledger starts at 0), then cut to the range — the opening balance and the peak carry everything before it.
    func bankrollCurve(
        _ query: AnalyticsQuery, interval: AnalyticsPeriodLength, owner: UUID
    ) async throws -> BankrollCurveResult {
        let filter = try await resolve(query, owner: owner)
        let zone = try await repository.timeZone(owner: owner)
        let rows = try await repository.ledgerFlows(
            owner: owner, bankrollID: filter.bankrollID, currency: filter.currency, from: filter.from, to: filter.to,
            interval: interval, timeZone: zone)
        let currency = try Self.singleCurrency(rows.map(\.currency))
        var balance: Int64 = 0, peakBefore: Int64 = 0
        var inRange: [(opening: Int64, row: CurveRow)] = []
        for row in rows {
            let opening = balance
            balance += row.net
            if row.inRange {
                inRange.append((opening, row))
            } else {
                peakBefore = max(peakBefore, balance)
            }
        }
        let drawdowns = DrawdownSeries.compute(inRange.map { $0.opening + $0.row.net }, startingPeak: peakBefore)
        let points = zip(inRange, drawdowns).map { item, drawdown in
            BankrollCurveResult.Point(start: item.row.start, opening: item.opening, flows: item.row, drawdown: drawdown)
        }
        return BankrollCurveResult(
            interval: interval, period: AnalyticsPeriod(from: filter.from, to: filter.to, timeZone: zone, currency: currency),
            bankrollID: filter.bankrollID, opening: inRange.first?.opening ?? balance, points: points,
            maxDrawdown: DrawdownSeries.maximum(drawdowns), maxDrawdownShare: drawdowns.compactMap(\.drawdownShare).max())
    }
}
