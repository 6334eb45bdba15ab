import Foundation
import MonPSCore

/// Everything `monps backtest` prints, as plain values (the table and `--json` render the same struct).
/// Money is in minor units; shares and returns are fractions (0.035 = 3.5%).
public struct BacktestSummary: Sendable, Codable, Equatable {
    /// What was run.
    public struct Run: Sendable, Codable, Equatable {
        /// `A`, `B`, `C` or `consensus`.
        public var agent: String
        /// The agents' ids (`consensus_anomaly`…).
        public var agentKeys: [String]
        /// As `--staking` spells it: `flat:1.00` (major units per bet), `kelly:0.5`, `kelly:0.25:0.05`.
        public var staking: String
        public var bankrollMinor: Int64
        public var seed: UInt64
        public var resamples: Int
    }

    /// What the files held and what was replayed.
    public struct DataCounts: Sendable, Codable, Equatable {
        public var files: Int
        /// Events with a usable result (replayed).
        public var events: Int
        public var eventsWithoutResult: Int
        public var duplicateEvents: Int
        public var eventsOutsideFilter: Int
        public var eventsWithoutPrices: Int
        public var markets: Int
        /// Markets per family (`h2h`, `totals`, `spreads`).
        public var marketsByType: [String: Int]
        public var marketsWithCandidates: Int
        /// Candidates not bet because the free bankroll was too small.
        public var skippedForStake: Int
    }

    /// The headline figures (the core's `PerformanceReport`; void bets excluded).
    public struct Figures: Sendable, Codable, Equatable {
        public var bets: Int
        public var voidBets: Int
        public var hitRate: Double?
        public var averageOdds: Double?
        public var stakedMinor: Int64
        public var profitMinor: Int64
        /// Profit / turnover.
        public var yield: Double?
        /// Profit / starting bankroll.
        public var roi: Double?
        public var sharpe: Double?
        public var maxDrawdownMinor: Int64
        public var maxDrawdownPercent: Double?
        public var averageClosingLineValue: Double?
        public var clvBets: Int
        public var beatCloseShare: Double?
        /// One-sided p-value against random bets at the same prices (same number of bets).
        public var pValue: Double?
        /// `random_bet_resampling` or `win_count_normal`.
        public var pValueTest: String?
        public var finalBankrollMinor: Int64
    }

    /// Figures of one market family.
    public struct MarketLine: Sendable, Codable, Equatable {
        public var market: String
        public var bets: Int
        public var hitRate: Double?
        public var stakedMinor: Int64
        public var profitMinor: Int64
        public var yield: Double?
    }

    /// Kaunitz, Zhong & Kreiner (2017), table of the strategy's results, over the h2h bets in action:
    /// - `accuracy`: share of bets won;
    /// - `expectedAccuracy`: the paper's "expected accuracy" (their `Figure2A`): per bet the consensus
    ///   probability `1/mean(odds)` of the backed outcome (the file's aggregate mean, `Avg`/`BbAv`, when agent A used
    ///   it) plus the intercept of their Figure 1 regression
    ///   (home −0.034, draw −0.057, away −0.037; fitted on 1X2 only, so two-way markets get none), averaged;
    /// - `consensusProbability`: the same mean without the intercepts;
    /// - `return`: profit / turnover (their `money / (bets × stake)` with flat stakes).
    public struct KaunitzTable: Sendable, Codable, Equatable {
        public var bets: Int
        public var accuracy: Double?
        public var expectedAccuracy: Double?
        public var consensusProbability: Double?
        public var `return`: Double?
    }

    public var run: Run
    public var data: DataCounts
    public var figures: Figures
    public var byMarket: [MarketLine]
    public var kaunitz: KaunitzTable
}

extension BacktestSummary {
    /// Intercepts of Kaunitz et al.'s Figure 1 regressions (accuracy on consensus probability).
    static let kaunitzOffsets: [String: Double] = ["home": -0.034, "draw": -0.057, "away": -0.037]

    /// Builds the summary of `report`, run on `markets`.
    init(run: Run, files: Int, markets set: HistoricalMarketSet, report: BacktestReport) {
        let p = report.performance
        self.run = run
        data = DataCounts(
            files: files, events: set.events, eventsWithoutResult: set.eventsWithoutResult,
            duplicateEvents: set.duplicateEvents, eventsOutsideFilter: set.eventsOutsideFilter,
            eventsWithoutPrices: set.eventsWithoutPrices, markets: report.markets,
            marketsByType: Dictionary(
                uniqueKeysWithValues: MarketType.allCases.map { type in
                    (type.rawValue, set.markets.count { $0.snapshot.market.type == type })
                }),
            marketsWithCandidates: report.marketsWithCandidates, skippedForStake: report.skippedForStake)
        figures = Figures(
            bets: p.count, voidBets: p.voidCount, hitRate: p.hitRate, averageOdds: p.averageOdds,
            stakedMinor: p.staked, profitMinor: p.profit, yield: p.yield, roi: p.roi, sharpe: p.sharpe,
            maxDrawdownMinor: p.maxDrawdown, maxDrawdownPercent: p.maxDrawdownPercent, averageClosingLineValue: p.averageCLV,
            clvBets: p.clvCount, beatCloseShare: p.beatCloseShare, pValue: p.significance?.pValue,
            pValueTest: p.significance?.primaryTest.rawValue, finalBankrollMinor: report.finalBankroll)
        byMarket = MarketType.allCases.map { type in
            Self.line(type.rawValue, report.bets.filter { $0.market.type == type })
        }
        kaunitz = Self.kaunitz(report.bets, markets: set.markets)
    }

    static func line(_ name: String, _ bets: [BacktestBet]) -> MarketLine {
        let action = bets.filter { $0.grade != .void }
        let staked = action.reduce(Int64(0)) { $0 + $1.stake }
        let profit = action.reduce(Int64(0)) { $0 + $1.profit }
        return MarketLine(
            market: name, bets: action.count, hitRate: hitRate(action), stakedMinor: staked, profitMinor: profit,
            yield: staked > 0 ? Double(profit) / Double(staked) : nil)
    }

    /// Won 1, half-won ½, half-lost and lost 0; pushes left out (as the core's hit rate).
    static func hitRate(_ bets: [BacktestBet]) -> Double? {
        var score = 0.0, count = 0
        for bet in bets {
            switch bet.grade {
            case .won: score += 1; count += 1
            case .halfWon: score += 0.5; count += 1
            case .halfLost, .lost: count += 1
            case .push, .void: break
            }
        }
        return count > 0 ? score / Double(count) : nil
    }

    static func kaunitz(_ bets: [BacktestBet], markets: [HistoricalMarket]) -> KaunitzTable {
        struct Key: Hashable { var event: Int64; var market: MarketKey }
        var index: [Key: Int] = [:]
        for (i, market) in markets.enumerated() where market.snapshot.market.type == .h2h {
            index[Key(event: market.snapshot.eventID, market: market.snapshot.market)] = i
        }
        let action = bets.filter { $0.market.type == .h2h && $0.grade != .void }
        var consensus: [Double] = [], expected: [Double] = []
        for bet in action {
            guard let i = index[Key(event: bet.eventID, market: bet.market)] else { continue }
            let market = markets[i]
            // What the agents saw: prices strictly before the decision, individual bookmakers only.
            let board = market.snapshot.truncated(before: market.decisionTime).board(at: market.decisionTime)
            // The consensus agent A used: the aggregate mean when the file has one, else the individual books' mean.
            let aggregate = ConsensusAnomalyAgent.AggregatePair.footballData.lazy
                .compactMap { pair in board.price(of: pair.maximum, outcome: bet.outcomeIndex).flatMap { _ in
                    board.price(of: pair.mean, outcome: bet.outcomeIndex) } }.first
            let odds = aggregate.map { [$0.decimalOdds] }
                ?? board.bookmakers.filter { !market.snapshot.isAggregate($0) && !HistoricalMarkets.isAggregate($0) }
                .compactMap { board.price(of: $0, outcome: bet.outcomeIndex)?.decimalOdds }
            guard !odds.isEmpty else { continue }
            let probability = Double(odds.count) / odds.reduce(0, +)
            consensus.append(probability)
            let offset = market.snapshot.outcomes.count == 3 ? kaunitzOffsets[bet.outcome] ?? 0 : 0
            expected.append(probability + offset)
        }
        let mean = { (values: [Double]) in values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        let line = Self.line("h2h", action)
        return KaunitzTable(
            bets: action.count, accuracy: hitRate(action), expectedAccuracy: mean(expected),
            consensusProbability: mean(consensus), return: line.yield)
    }
}
