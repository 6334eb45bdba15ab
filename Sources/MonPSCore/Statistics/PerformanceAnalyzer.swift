/// Computes a ``PerformanceReport`` from settled bets. Deterministic for a given seed.
public enum PerformanceAnalyzer {
    /// Analyses `bets` (any order; sorted by ``SettledBet/placedAt`` for the bankroll curve).
    /// - Throws: ``StatisticsError``.
    public static func analyze(
        _ bets: [SettledBet], options: PerformanceOptions = PerformanceOptions()
    ) throws(StatisticsError) -> PerformanceReport {
        if let bankroll = options.startingBankroll, bankroll <= 0 { throw .invalidBankroll }
        guard options.resamples >= 0 else { throw .invalidResampleCount }
        for (index, bet) in bets.enumerated() {
            guard bet.stake > 0, Odds.isValidDecimal(bet.decimalOdds),
                bet.decimalOdds <= Money.maxPayoutOdds, bet.payout >= 0,
                bet.clv?.isFinite ?? true
            else { throw .invalidBet(index: index) }
        }
        // Stable chronological order: ties keep their input order.
        let active = bets.indices.sorted {
            bets[$0].placedAt != bets[$1].placedAt ? bets[$0].placedAt < bets[$1].placedAt : $0 < $1
        }.map { bets[$0] }.filter { $0.outcome != .void }

        var outcomes: [String: Int] = [:]
        for bet in bets { outcomes[bet.outcome.rawValue, default: 0] += 1 }

        var staked: Int64 = 0, returned: Int64 = 0
        var oddsSum = 0.0, hits = 0.0, hitCount = 0
        var clvSum = 0.0, clvCount = 0, beatClose = 0
        for bet in active {
            staked = try add(staked, bet.stake)
            returned = try add(returned, bet.payout)
            oddsSum += bet.decimalOdds
            if let score = bet.hitScore { hits += score; hitCount += 1 }
            if let clv = bet.clv {
                clvSum += clv; clvCount += 1
                if clv > 0 { beatClose += 1 }
            }
        }
        let profit = returned - staked  // Both are in [0, Int64.max]: cannot overflow.
        let n = active.count
        let returns = active.map { Double($0.profit) / Double($0.stake) }
        let drawdown = try Self.drawdown(active, start: options.startingBankroll)

        return PerformanceReport(
            count: n, voidCount: bets.count - n, outcomes: outcomes, staked: staked,
            returned: returned, profit: profit,
            roi: options.startingBankroll.map { Double(profit) / Double($0) },
            yield: staked > 0 ? Double(profit) / Double(staked) : nil,
            hitRate: hitCount > 0 ? hits / Double(hitCount) : nil,
            averageOdds: n > 0 ? oddsSum / Double(n) : nil,
            averageCLV: clvCount > 0 ? clvSum / Double(clvCount) : nil,
            beatCloseShare: clvCount > 0 ? Double(beatClose) / Double(clvCount) : nil,
            clvCount: clvCount, sharpe: sharpe(returns), sortino: sortino(returns),
            maxDrawdown: drawdown.amount, maxDrawdownPercent: drawdown.percent,
            longestLosingStreak: longestLosingStreak(active),
            significance: try Significance.report(
                active, resamples: options.resamples, seed: options.seed))
    }

    /// mean(x) / sample sd(x).
    static func sharpe(_ x: [Double]) -> Double? {
        guard x.count >= 2 else { return nil }
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
        guard variance > 0 else { return nil }
        return mean / variance.squareRoot()
    }

    /// mean(x) / downside deviation below 0.
    static func sortino(_ x: [Double]) -> Double? {
        guard !x.isEmpty else { return nil }
        let mean = x.reduce(0, +) / Double(x.count)
        let downside = x.reduce(0) { $0 + min($1, 0) * min($1, 0) } / Double(x.count)
        guard downside > 0 else { return nil }
        return mean / downside.squareRoot()
    }

    /// Largest drawdown from the running peak, as an amount and (with a bankroll) a share.
    static func drawdown(_ bets: [SettledBet], start: Int64?) throws(StatisticsError)
        -> (amount: Int64, percent: Double?)
    {
        var bankroll = start ?? 0
        var peak = bankroll
        var worst: Int64 = 0
        var worstShare = 0.0
        for bet in bets {
            bankroll = try add(bankroll, bet.profit)
            peak = max(peak, bankroll)
            let fall = peak - bankroll  // peak ≥ bankroll, and both are finite sums: no overflow.
            worst = max(worst, fall)
            if peak > 0 { worstShare = max(worstShare, Double(fall) / Double(peak)) }
        }
        return (worst, start == nil ? nil : worstShare)
    }

    /// Most consecutive bets with profit < 0.
    static func longestLosingStreak(_ bets: [SettledBet]) -> Int {
        var longest = 0, current = 0
        for bet in bets {
            current = bet.profit < 0 ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    static func add(_ a: Int64, _ b: Int64) throws(StatisticsError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return sum
    }
}
