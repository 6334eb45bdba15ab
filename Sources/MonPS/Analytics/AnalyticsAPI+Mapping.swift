import Foundation
import MonPSAPI
import MonPSCore

extension Components.Schemas.AnalyticsPeriod {
    init(_ period: AnalyticsPeriod) {
        self.init(from: period.from, to: period.to, timeZone: period.timeZone, currency: period.currency)
    }
}

extension Components.Schemas.AnalyticsInterval {
    init?(_ interval: ConfidenceInterval?) {
        guard let interval else { return nil }
        self.init(lower: interval.lower, upper: interval.upper)
    }
}

extension Components.Schemas.AnalyticsFigures {
    init(_ sums: FigureSums) {
        self.init(
            bets: sums.bets, voidBets: sums.voidBets, staked: sums.staked, profit: sums.profit, _yield: sums.yield,
            yieldCi: Components.Schemas.AnalyticsInterval(sums.yieldInterval), hitRate: sums.hitRate, averageOdds: sums.averageOdds,
            averageClv: sums.averageCLV, beatCloseShare: sums.beatCloseShare, clvBets: sums.clvBets)
    }
}

extension Components.Schemas.AnalyticsBreakdown {
    init(_ result: BreakdownResult) {
        self.init(
            by: result.by.rawValue, period: .init(result.period),
            groups: result.groups.map { .init(key: $0.key, label: $0.label, figures: .init($0.sums)) },
            total: .init(result.total))
    }
}

extension Components.Schemas.AnalyticsBankrollCurve {
    init(_ curve: BankrollCurveResult) {
        self.init(
            interval: curve.interval == .week ? .week : .day, period: .init(curve.period),
            bankrollId: curve.bankrollID?.uuidString.lowercased(), opening: curve.opening,
            points: curve.points.map { point in
                .init(
                    start: point.start, opening: point.opening, closing: point.drawdown.balance, peak: point.drawdown.peak,
                    drawdown: point.drawdown.drawdown, drawdownShare: point.drawdown.drawdownShare,
                    deposits: point.flows.deposits, betting: point.flows.betting, corrections: point.flows.corrections)
            },
            maxDrawdown: curve.maxDrawdown, maxDrawdownShare: curve.maxDrawdownShare)
    }
}

extension Components.Schemas.AnalyticsHeatmap {
    init(_ heatmap: HeatmapResult) {
        self.init(
            by: heatmap.clock == .kickoff ? .kickoff : .placed, period: .init(heatmap.period),
            cells: heatmap.cells.map {
                .init(weekday: $0.weekday, hour: $0.hour, bets: $0.bets, staked: $0.staked, profit: $0.profit, _yield: $0.yield)
            },
            unplaced: heatmap.unplaced)
    }
}

extension Components.Schemas.AnalyticsWinRate {
    init(_ result: WinRateResult) throws {
        self.init(
            periodLength: try result.length.bridged(), period: .init(result.period),
            points: result.points.map {
                .init(
                    start: $0.start, bets: $0.sums.bets, hitRate: $0.sums.hitRate, expectedHitRate: $0.expectedHitRate,
                    staked: $0.sums.staked, profit: $0.sums.profit, _yield: $0.sums.yield)
            })
    }
}

extension Components.Schemas.AnalyticsCLV {
    init(_ result: CLVResult) {
        let histogram = Bands.clvHistogram, buckets = Bands.clvYield
        self.init(
            period: .init(result.period), bets: result.bets, mean: result.mean, meanCi: Components.Schemas.AnalyticsInterval(result.meanInterval),
            beatCloseShare: result.beatCloseShare,
            histogram: result.histogram.map {
                .init(
                    lower: histogram.lower($0.index), upper: histogram.upper($0.index),
                    label: histogram.label($0.index, percent: true), bets: $0.bets)
            },
            byClv: result.byCLV.map {
                .init(
                    lower: buckets.lower($0.index), upper: buckets.upper($0.index), label: buckets.label($0.index, percent: true),
                    bets: $0.bets, staked: $0.staked, profit: $0.profit,
                    _yield: $0.staked > 0 ? Double($0.profit) / Double($0.staked) : nil,
                    averageClv: $0.bets > 0 ? $0.clvSum / Double($0.bets) : nil)
            })
    }
}
