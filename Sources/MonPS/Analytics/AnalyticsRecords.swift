import Foundation
import MonPSCore

/// The filters every analytics endpoint and the bet export share (those of `/v1/bets` and more), already validated.
struct AnalyticsFilter: Sendable, Equatable {
    var sport: String?
    var competition: String?
    var bookmaker: String?
    var bankrollID: UUID?
    var market: String?
    var source: String?
    /// Bets on opportunities this agent voted for (`bets.agent` holds the comma-separated voters).
    var agent: String?
    var status: String?
    var currency: String?
    /// `placed_at` (ledger: `created_at`) from, inclusive.
    var from: Date?
    /// … to, exclusive.
    var to: Date?
}

/// What a request asked for before the service resolved it (range against its clock).
struct AnalyticsQuery: Sendable, Equatable {
    var filter = AnalyticsFilter()
    var range: ReportingRange?
}

/// Local time buckets of the bankroll curve and the win-rate series (PostgreSQL `date_trunc` units).
enum AnalyticsPeriodLength: String, Sendable, CaseIterable { case day, week, month }

enum BreakdownDimension: String, Sendable, CaseIterable {
    case bookmaker, sport, competition, market, agent, source
    case oddsBand = "odds_band"
    case month, weekday
}

enum HeatmapClock: String, Sendable, CaseIterable { case placed, kickoff }

/// The sums a group of settled bets is summarised from; everything else (yield, its interval, averages) follows.
/// Voids are counted apart and left out of every other figure, as in `/v1/bets/summary`.
struct FigureSums: Sendable, Equatable {
    var bets: Int = 0
    var voidBets: Int = 0
    var staked: Int64 = 0
    var profit: Int64 = 0
    /// Σ hit score (won 1, half-won 0.5) over `hitBets` (won, half-won, half-lost, lost).
    var hits: Double = 0
    var hitBets: Int = 0
    var oddsSum: Double = 0
    var clvSum: Double = 0
    var clvBets: Int = 0
    var beatClose: Int = 0
    /// Σstake², Σprofit², Σstake·profit (float: squares of minor units overflow Int64 quickly).
    var stakeSquares: Double = 0
    var profitSquares: Double = 0
    var stakeProfit: Double = 0

    static func + (a: FigureSums, b: FigureSums) -> FigureSums {
        FigureSums(
            bets: a.bets + b.bets, voidBets: a.voidBets + b.voidBets, staked: a.staked + b.staked, profit: a.profit + b.profit,
            hits: a.hits + b.hits, hitBets: a.hitBets + b.hitBets, oddsSum: a.oddsSum + b.oddsSum, clvSum: a.clvSum + b.clvSum,
            clvBets: a.clvBets + b.clvBets, beatClose: a.beatClose + b.beatClose, stakeSquares: a.stakeSquares + b.stakeSquares,
            profitSquares: a.profitSquares + b.profitSquares, stakeProfit: a.stakeProfit + b.stakeProfit)
    }

    var yield: Double? { staked > 0 ? Double(profit) / Double(staked) : nil }
    var hitRate: Double? { hitBets > 0 ? hits / Double(hitBets) : nil }
    var averageOdds: Double? { bets > 0 ? oddsSum / Double(bets) : nil }
    var averageCLV: Double? { clvBets > 0 ? clvSum / Double(clvBets) : nil }
    var beatCloseShare: Double? { clvBets > 0 ? Double(beatClose) / Double(clvBets) : nil }
    var yieldInterval: ConfidenceInterval? {
        SampleStatistics.yieldInterval(
            RatioSums(
                count: bets, sumX: Double(staked), sumY: Double(profit), sumXX: stakeSquares, sumYY: profitSquares,
                sumXY: stakeProfit))
    }
}

/// One group of a breakdown as the repository returns it (per currency).
struct BreakdownRow: Sendable, Equatable {
    var currency: String
    var key: String?
    var sums: FigureSums
}

struct HeatmapRow: Sendable, Equatable {
    var currency: String
    /// ISO weekday 1…7 and hour 0…23 in the user's zone; `nil` when the bet has no such time (no known event).
    var weekday: Int?
    var hour: Int?
    var bets: Int
    var staked: Int64
    var profit: Int64
}

struct WinRateRow: Sendable, Equatable {
    var currency: String
    /// Local date the period starts on, `YYYY-MM-DD`.
    var start: String
    var sums: FigureSums
    /// Mean fair probability of the hit-scored bets that recorded one.
    var expectedHitRate: Double?
}

/// Bets with a CLV, counted per histogram bin × yield bucket (both `width_bucket` numbers).
struct CLVRow: Sendable, Equatable {
    var currency: String
    var bin: Int
    var bucket: Int
    var bets: Int
    var clvSum: Double
    var clvSquares: Double
    var beatClose: Int
    var staked: Int64
    var profit: Int64
}

/// Ledger flows of one local interval.
struct CurveRow: Sendable, Equatable {
    var currency: String
    var start: String
    var deposits: Int64
    var betting: Int64
    var corrections: Int64
    /// The interval is in the requested range (it starts at or after the interval holding `from`).
    var inRange: Bool
    var net: Int64 { deposits + betting + corrections }
}

/// Why an analytics request is refused (mapped to HTTP in `AnalyticsError+HTTP.swift`).
enum AnalyticsError: Error, Sendable, Equatable {
    /// A parameter that cannot be used (400).
    case invalidParameter(String, String)
    /// No bankroll of the caller's with that id (404, like another user's).
    case bankrollNotFound
    /// Figures over several currencies (422): filter by bankroll or currency.
    case mixedCurrencies([String])
}
