import Foundation
import MonPSCore

extension BetService {
    struct Summary: Sendable, Equatable {
        var from: Date?
        var to: Date?
        var currency: String?
        var placed: Int
        var pending: Int
        var openExposure: Int64
        var report: PerformanceReport
    }

    /// Performance of the caller's settled bets placed in the period, with MonPSCore's `PerformanceAnalyzer`
    /// (ROI against the initial amounts of the bankrolls in scope; no resampling). `from`/`to` override `range`.
    func summary(
        userID: UUID, range: ReportingRange?, from: Date?, to: Date?, bankrollID: UUID?, currency: String?
    ) async throws -> Summary {
        let start = from ?? (range?.days).map { now().addingTimeInterval(-Double($0) * 86_400) }
        if let bankrollID, try await bankrolls.get(id: bankrollID, owner: userID) == nil {
            throw BettingError.bankrollNotFound
        }
        let scope = SummaryScope(from: start, to: to, bankrollID: bankrollID, currency: currency)
        let data = try await repository.summary(owner: userID, scope: scope)
        guard data.currencies.count <= 1 else { throw BettingError.mixedCurrencies(data.currencies) }
        let bets = data.settled.compactMap { row in
            row.status.grade.map {
                SettledBet(
                    stake: row.stake, decimalOdds: row.odds, payout: row.payout, outcome: $0,
                    placedAt: Int64(row.placedAt.timeIntervalSince1970.rounded(.down)), clv: row.clv)
            }
        }
        let report = try PerformanceAnalyzer.analyze(
            bets, options: PerformanceOptions(startingBankroll: data.initialAmounts > 0 ? data.initialAmounts : nil, resamples: 0))
        return Summary(
            from: start, to: to, currency: data.currencies.first ?? currency, placed: data.placed, pending: data.pending,
            openExposure: data.openExposure, report: report)
    }
}
