import Foundation
import MonPSCore

/// What the analytics service answers, independent of the HTTP types (`AnalyticsAPI` maps them).
struct AnalyticsPeriod: Sendable, Equatable {
    var from: Date?
    var to: Date?
    var timeZone: String
    /// The one currency of the figures; `nil` when there were none.
    var currency: String?
}

struct BreakdownResult: Sendable, Equatable {
    struct Group: Sendable, Equatable {
        var key: String?
        var label: String
        var sums: FigureSums
    }

    var by: BreakdownDimension
    var period: AnalyticsPeriod
    var groups: [Group]
    var total: FigureSums
}

struct BankrollCurveResult: Sendable, Equatable {
    struct Point: Sendable, Equatable {
        var start: String
        var opening: Int64
        var flows: CurveRow
        var drawdown: DrawdownPoint
    }

    var interval: AnalyticsPeriodLength
    var period: AnalyticsPeriod
    var bankrollID: UUID?
    var opening: Int64
    var points: [Point]
    var maxDrawdown: Int64
    var maxDrawdownShare: Double?
}

struct HeatmapResult: Sendable, Equatable {
    struct Cell: Sendable, Equatable {
        var weekday: Int
        var hour: Int
        var bets = 0
        var staked: Int64 = 0
        var profit: Int64 = 0
        var yield: Double? { staked > 0 ? Double(profit) / Double(staked) : nil }
    }

    var clock: HeatmapClock
    var period: AnalyticsPeriod
    /// 168 cells, Monday 00h first.
    var cells: [Cell]
    var unplaced: Int
}

struct WinRateResult: Sendable, Equatable {
    struct Point: Sendable, Equatable {
        var start: String
        var sums: FigureSums
        var expectedHitRate: Double?
    }

    var length: AnalyticsPeriodLength
    var period: AnalyticsPeriod
    var points: [Point]
}

struct CLVResult: Sendable, Equatable {
    struct Bin: Sendable, Equatable {
        var index: Int
        var bets = 0
    }

    struct Bucket: Sendable, Equatable {
        var index: Int
        var bets = 0
        var staked: Int64 = 0
        var profit: Int64 = 0
        var clvSum = 0.0
    }

    var period: AnalyticsPeriod
    var bets: Int
    var mean: Double?
    var meanInterval: ConfidenceInterval?
    var beatCloseShare: Double?
    var histogram: [Bin]
    var byCLV: [Bucket]
}
