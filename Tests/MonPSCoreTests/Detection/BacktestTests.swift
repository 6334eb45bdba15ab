import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: backtest engine")
struct BacktestTests {
    typealias F = DetectionFixtures

    static let day: TimeInterval = 86_400

    /// Five two-way markets one day apart. Prices are captured an hour before each decision; the
    /// sharp line is 2.0/2.0 (p = 0.5) and closes at 2.0/2.0. bet365's prices and the winners:
    /// 1. 2.2/1.8, home wins → home at 2.2 (edge 0.10): +120 on 100.
    /// 2. 1.7/2.5, home wins → away at 2.5 (edge 0.25): −100.
    /// 3. 2.0/1.9, away wins → no edge, no bet.
    /// 4. 3.0/1.4, home wins → home at 3.0 (edge 0.50): +200.
    /// 5. 1.8/2.1, home wins → away at 2.1 (edge 0.05): −100. This market also carries an aggregate
    ///    at 10.0, a bet365 row at 5.0 ten minutes after the decision and a unibet quote at 4.0
    ///    captured exactly at the decision time: none may be used.
    static func history(settleAfter: TimeInterval = 3 * 3600) -> [HistoricalMarket] {
        let prices: [([Double], Int)] = [([2.2, 1.8], 0), ([1.7, 2.5], 0), ([2.0, 1.9], 1), ([3.0, 1.4], 0), ([1.8, 2.1], 0)]
        return prices.enumerated().map { index, entry in
            let decision = F.now.addingTimeInterval(Double(index) * day)
            let captured = decision.addingTimeInterval(-3600)
            var snapshot = F.twoWay(
                [F.quote("pinnacle", [2.0, 2.0], at: captured), F.quote("bet365", entry.0, at: captured)],
                eventID: Int64(index + 1))
            if index == 4 {
                snapshot.quotes.append(F.quote("market_max", [10.0, 10.0], at: captured))
                snapshot.quotes.append(F.quote("unibet", [4.0, 4.0], at: decision))
                snapshot.history += F.rows("bet365", [5.0, 5.0], at: decision.addingTimeInterval(600))
            }
            return HistoricalMarket(
                snapshot: snapshot, decisionTime: decision, settledAt: decision.addingTimeInterval(settleAfter),
                closingOdds: [2.0, 2.0], result: .winner(entry.1))
        }
    }

    static let agent = BacktestStrategy.agent(SharpValueAgent(configuration: .init(method: .multiplicative)))

    static func flat(resamples: Int = 200, seed: UInt64 = 7) -> BacktestConfiguration {
        BacktestConfiguration(startingBankroll: 1000, staking: .flat(100), resamples: resamples, seed: seed)
    }

    @Test func handMadeHistoryGivesTheExactRecord() throws {
        let report = try Backtest.run(Self.history(), strategy: Self.agent, configuration: Self.flat())
        #expect(report.markets == 5 && report.marketsWithCandidates == 4 && report.skippedForStake == 0)
        #expect(report.bets.map(\.eventID) == [1, 2, 4, 5])
        #expect(report.bets.map(\.outcome) == ["home", "away", "home", "away"])
        #expect(report.bets.map(\.bookmaker) == ["bet365", "bet365", "bet365", "bet365"])
        #expect(report.bets.map(\.decimalOdds) == [2.2, 2.5, 3.0, 2.1])
        #expect(report.bets.map(\.stake) == [100, 100, 100, 100])
        #expect(report.bets.map(\.payout) == [220, 0, 300, 0])
        #expect(report.bets.map(\.grade) == [.won, .lost, .won, .lost])
        #expect(report.bets.allSatisfy { $0.agents == [.sharpValue] && $0.reasons.count == 1 })
        #expect(report.betCount == 4 && report.staked == 400 && report.profit == 120)
        #expect(report.finalBankroll == 1120)
        #expect(report.yield == 0.3 && report.roi == 0.12 && report.hitRate == 0.5)
        expectClose(try #require(report.averageOdds), 2.45, 1e-15)
        // Bankroll 1000 → 1120 → 1020 → 1220 → 1120: worst fall 100.
        #expect(report.maxDrawdown == 100)
        // Returns 1.2, −1, 2, −1: mean 0.3, sample sd √(Σ(x − 0.3)²/3) = √(7.08/3).
        expectClose(try #require(report.sharpe), 0.3 / (7.08 / 3).squareRoot(), 1e-12)
        // CLV against the fair close 2.0: 0.10, 0.25, 0.50, 0.05 → mean 0.225, all beat the close.
        expectClose(report.bets.compactMap(\.clv), [0.1, 0.25, 0.5, 0.05], 1e-15)
        expectClose(try #require(report.averageCLV), 0.225, 1e-15)
        #expect(report.beatCloseShare == 1)
        let significance = try #require(report.performance.significance)
        #expect(significance.primaryTest == .randomBetResampling && significance.randomBet?.resamples == 200)
        #expect(report.pValue == significance.pValue)
    }

    @Test func halfKellyStakesFromTheFreeBankroll() throws {
        let kelly = BacktestConfiguration(
            startingBankroll: 1000, staking: try StakingPlan(parsing: "kelly:0.5"), resamples: 0)
        // Each bet settles before the next decision:
        // 1. ½·(0.1/1.2)·1000 = 41.67 → 41, won ⌊41·2.2⌋ = 90 → 1049.
        // 2. ½·(0.25/1.5)·1049 = 87.42 → 87, lost → 962.
        // 4. ½·(0.5/2)·962 = 120.25 → 120, won 360 → 1202.
        // 5. ½·(0.05/1.1)·1202 = 27.32 → 27, lost → 1175.
        let report = try Backtest.run(Self.history(), strategy: Self.agent, configuration: kelly)
        #expect(report.bets.map(\.stake) == [41, 87, 120, 27])
        #expect(report.bets.map(\.payout) == [90, 0, 360, 0])
        #expect(report.finalBankroll == 1175 && report.profit == 175)

        // Settled only after the last decision: each stake comes from what is not yet at risk.
        // 41 → 959 free; ½·(1/6)·959 = 79.9 → 79 → 880; 0.125·880 = 110 → 770; 0.02273·770 = 17.5 → 17.
        let late = try Backtest.run(Self.history(settleAfter: 10 * Self.day), strategy: Self.agent, configuration: kelly)
        #expect(late.bets.map(\.stake) == [41, 79, 110, 17])
        #expect(late.finalBankroll == 1000 - 41 - 79 - 110 - 17 + 90 + 330)
    }

    @Test func flatStakesLargerThanTheFreeBankrollAreSkipped() throws {
        let config = BacktestConfiguration(startingBankroll: 250, staking: .flat(100), resamples: 0)
        // Nothing settles before the end: 250 covers two stakes of 100, the last two are skipped.
        let report = try Backtest.run(Self.history(settleAfter: 10 * Self.day), strategy: Self.agent, configuration: config)
        #expect(report.bets.map(\.eventID) == [1, 2] && report.skippedForStake == 2)
        #expect(report.finalBankroll == 250 - 200 + 220)
    }

    @Test func sameInputAndSeedGiveTheSameReport() throws {
        let first = try Backtest.run(Self.history(), strategy: Self.agent, configuration: Self.flat(resamples: 500, seed: 11))
        let second = try Backtest.run(Self.history(), strategy: Self.agent, configuration: Self.flat(resamples: 500, seed: 11))
        #expect(first == second)
        // Input order does not matter either: markets are replayed by decision time.
        let reversed = try Backtest.run(
            Array(Self.history().reversed()), strategy: Self.agent, configuration: Self.flat(resamples: 500, seed: 11))
        #expect(reversed == first)
    }

    @Test func futurePricesChangeNothing() throws {
        let baseline = try Backtest.run(Self.history(), strategy: Self.agent, configuration: Self.flat())
        let withFuture = Self.history().map { market -> HistoricalMarket in
            var copy = market
            copy.snapshot = F.withFuture(market.snapshot, after: market.decisionTime)
            // Also a sharp line that moves at the decision time itself (not strictly before it).
            copy.snapshot.history += F.rows("pinnacle", [1.2, 6.0], at: market.decisionTime)
            return copy
        }
        #expect(try Backtest.run(withFuture, strategy: Self.agent, configuration: Self.flat()) == baseline)
    }

    @Test func consensusStrategyBetsOnlyStrongOpportunities() throws {
        // Agent B alone of {B, steam}: score 50 → caution, not bet at the default `analyze`.
        let agents: [any DetectionAgent] = [SharpValueAgent(configuration: .init(method: .multiplicative)), SteamAgent()]
        let strategy = BacktestStrategy.consensus(agents: agents)
        let none = try Backtest.run(Self.history(), strategy: strategy, configuration: Self.flat(resamples: 0))
        #expect(none.bets.isEmpty && none.marketsWithCandidates == 0 && none.finalBankroll == 1000)
        let cautious = BacktestStrategy.consensus(agents: agents, minimumVerdict: .caution)
        let report = try Backtest.run(Self.history(), strategy: cautious, configuration: Self.flat(resamples: 0))
        #expect(report.bets.map(\.eventID) == [1, 2, 4, 5] && report.profit == 120)
        #expect(report.bets.allSatisfy { $0.agents == [.sharpValue] })
    }

    @Test func gradedResultsUseTheSettler() throws {
        // Totals 3.0: a 2–1 final is a push on over (stake back); 2.5: over wins.
        func market(line: Double, score: (Int, Int)) -> HistoricalMarket {
            var snapshot = F.twoWay([F.quote("pinnacle", [2.0, 2.0]), F.quote("bet365", [2.5, 1.5])])
            snapshot.market = MarketKey(.totals, line: line)
            snapshot.outcomes = ["over", "under"]
            return HistoricalMarket(
                snapshot: snapshot, decisionTime: F.minutes(1), settledAt: F.minutes(200), closingOdds: nil,
                result: .graded(
                    markets: [.total(.over, line: line), .total(.under, line: line)],
                    status: .completed(EventScore(home: score.0, away: score.1))))
        }
        let config = Self.flat(resamples: 0)
        let push = try Backtest.run([market(line: 3.0, score: (2, 1))], strategy: Self.agent, configuration: config)
        #expect(push.bets.map(\.grade) == [.push] && push.bets.map(\.payout) == [100] && push.profit == 0)
        #expect(push.bets.first?.clv == nil)
        let won = try Backtest.run([market(line: 2.5, score: (2, 1))], strategy: Self.agent, configuration: config)
        #expect(won.bets.map(\.grade) == [.won] && won.profit == 150)
        var void = market(line: 2.5, score: (2, 1))
        void.result = .void
        #expect(try Backtest.run([void], strategy: Self.agent, configuration: config).bets.map(\.grade) == [.void])
    }

    @Test func invalidInputIsRejected() {
        var bad = Self.history()
        bad[0].result = .winner(2)
        #expect(throws: BacktestError.invalidResult(market: 0)) {
            try Backtest.run(bad, strategy: Self.agent, configuration: Self.flat())
        }
        #expect(throws: BacktestError.invalidConfiguration) {
            try Backtest.run([], strategy: Self.agent, configuration: .init(startingBankroll: 0, staking: .flat(1)))
        }
        #expect(throws: BacktestError.invalidStakingPlan("kelly:2.0:1.5")) {
            let overCapped = BacktestConfiguration(startingBankroll: 1, staking: .kelly(multiplier: 2, cap: 1.5))
            return try Backtest.run([], strategy: Self.agent, configuration: overCapped)
        }
    }

    @Test func stakingPlansParse() throws {
        #expect(try StakingPlan(parsing: "kelly:0.5") == .kelly(multiplier: 0.5, cap: 1))
        #expect(try StakingPlan(parsing: "Kelly:0.25:0.05") == .kelly(multiplier: 0.25, cap: 0.05))
        #expect(try StakingPlan(parsing: "flat:100") == .flat(100))
        #expect(StakingPlan.kelly(multiplier: 0.5).description == "kelly:0.5")
        #expect(StakingPlan.flat(100).description == "flat:100")
        for text in ["kelly:0", "kelly:-1", "kelly:0.5:0", "kelly:0.5:2", "flat:0", "flat:1.5", "flat", "martingale:2", ""] {
            #expect(throws: BacktestError.invalidStakingPlan(text)) { try StakingPlan(parsing: text) }
        }
    }
}
