import Foundation

/// Replays historical markets through an agent or the consensus, without look-ahead.
///
/// Rules (all deterministic; the only randomness is the seeded resampling of the p-value):
/// - Markets are replayed in ``HistoricalMarket/decisionTime`` order (ties: input order).
/// - At each decision the strategy sees ``MarketSnapshot/truncated(before:)`` of the market, i.e.
///   only prices captured strictly before the decision time, and is asked at the decision time.
/// - Candidates with a positive edge are taken highest edge first (consensus: strongest opportunity
///   first), at most ``BacktestConfiguration/maxBetsPerMarket`` distinct outcomes per market.
/// - Money: the free bankroll is the starting bankroll, minus stakes of open bets, plus payouts of
///   bets whose ``HistoricalMarket/settledAt`` is at or before the decision time. A flat stake
///   larger than the free bankroll, or a Kelly stake rounding to 0, is not placed.
///   Payouts use ``Money/payout(stake:decimalOdds:divisor:)`` or ``Settler`` (rounded down).
/// - CLV is the odds form of ``ClosingLineValue`` against the de-vigged sharp closing prices.
/// - Statistics and the p-value come from ``PerformanceAnalyzer`` (random-bet resampling with the
///   same number of bets at the same prices, seeded ``SplitMix64``).
public enum Backtest {
    /// Runs the backtest.
    /// - Throws: ``BacktestError``.
    public static func run(
        _ markets: [HistoricalMarket], strategy: BacktestStrategy, configuration: BacktestConfiguration
    ) throws(BacktestError) -> BacktestReport {
        let c = configuration
        guard c.startingBankroll > 0, c.stakeUnit >= 1, c.maxBetsPerMarket >= 1, c.resamples >= 0 else {
            throw .invalidConfiguration
        }
        if case .flat(let amount) = c.staking, amount <= 0 { throw .invalidStakingPlan(c.staking.description) }
        if case .kelly(let multiplier, let cap) = c.staking,
            !(multiplier.isFinite && multiplier > 0 && cap.isFinite && cap > 0 && cap <= 1)
        {
            throw .invalidStakingPlan(c.staking.description)
        }

        let order = markets.indices.sorted {
            markets[$0].decisionTime != markets[$1].decisionTime
                ? markets[$0].decisionTime < markets[$1].decisionTime : $0 < $1
        }
        var cash = c.startingBankroll
        var open: [(settledAt: Date, bet: Int)] = []
        var bets: [BacktestBet] = []
        var withCandidates = 0, skipped = 0

        func settle(upTo time: Date?) {
            let due = open.filter { time == nil || $0.settledAt <= time! }
            open.removeAll { time == nil || $0.settledAt <= time! }
            for entry in due { cash += bets[entry.bet].payout }
        }

        for index in order {
            let market = markets[index]
            settle(upTo: market.decisionTime)
            let view = market.snapshot.truncated(before: market.decisionTime)
            let found = candidates(strategy, view, at: market.decisionTime)
            if !found.isEmpty { withCandidates += 1 }
            var taken = Set<Int>()
            for candidate in found where taken.count < c.maxBetsPerMarket && !taken.contains(candidate.outcome) {
                let stake = stakeFor(candidate, cash: cash, configuration: c)
                guard stake > 0, stake <= cash else {
                    skipped += 1
                    continue
                }
                let (grade, payout) = try settleBet(
                    market.result, outcome: candidate.outcome, outcomes: view.outcomes.count,
                    stake: stake, odds: candidate.odds, market: index)
                let clv = market.closingOdds.flatMap {
                    try? ClosingLineValue(
                        betOdds: candidate.odds, closingOdds: $0, selection: candidate.outcome,
                        method: c.clvMethod
                    ).oddsBased
                }
                cash -= stake
                taken.insert(candidate.outcome)
                bets.append(
                    BacktestBet(
                        eventID: view.eventID, market: view.market, outcomeIndex: candidate.outcome,
                        outcome: view.outcomes[candidate.outcome], bookmaker: candidate.bookmaker,
                        decimalOdds: candidate.odds, fairProbability: candidate.probability,
                        edge: candidate.edge, placedAt: market.decisionTime, settledAt: market.settledAt,
                        stake: stake, payout: payout, grade: grade, clv: clv, agents: candidate.agents,
                        reasons: candidate.reasons))
                open.append((market.settledAt, bets.count - 1))
                open.sort { $0.settledAt != $1.settledAt ? $0.settledAt < $1.settledAt : $0.bet < $1.bet }
            }
        }
        settle(upTo: nil)

        let settled = bets.map {
            SettledBet(
                stake: $0.stake, decimalOdds: $0.decimalOdds, payout: $0.payout, outcome: $0.grade,
                placedAt: Int64($0.placedAt.timeIntervalSince1970.rounded(.down)), clv: $0.clv)
        }
        let performance: PerformanceReport
        do throws(StatisticsError) {
            performance = try PerformanceAnalyzer.analyze(
                settled,
                options: PerformanceOptions(
                    startingBankroll: c.startingBankroll, resamples: c.resamples, seed: c.seed))
        } catch {
            throw .statistics(error)
        }
        return BacktestReport(
            markets: markets.count, marketsWithCandidates: withCandidates, skippedForStake: skipped,
            bets: bets, startingBankroll: c.startingBankroll, finalBankroll: cash,
            performance: performance)
    }

    /// A bet the strategy would place.
    struct Candidate {
        var outcome: Int
        var bookmaker: String
        var odds: Double
        var probability: Double
        var edge: Double
        var agents: [AgentID]
        var reasons: [String]
    }

    /// The strategy's candidates on `view` at `time`, best first.
    static func candidates(_ strategy: BacktestStrategy, _ view: MarketSnapshot, at time: Date) -> [Candidate] {
        func usable(_ outcome: Int, _ odds: Double, _ edge: Double) -> Bool {
            view.outcomes.indices.contains(outcome) && edge > 0 && Odds.isValidDecimal(odds)
                && odds <= Money.maxPayoutOdds
        }
        switch strategy {
        case .agent(let agent):
            return agent.signals(for: view, at: time)
                .filter { usable($0.outcomeIndex, $0.decimalOdds, $0.edge) }
                .sorted {
                    if $0.edge != $1.edge { return $0.edge > $1.edge }
                    if $0.confidence != $1.confidence { return $0.confidence > $1.confidence }
                    return Signal.canonicalOrder($0, $1)
                }
                .map {
                    Candidate(
                        outcome: $0.outcomeIndex, bookmaker: $0.bookmaker, odds: $0.decimalOdds,
                        probability: $0.fairProbability, edge: $0.edge, agents: [$0.agent], reasons: [$0.reason])
                }
        case .consensus(let agents, let weights, let configuration, let minimumVerdict):
            let signals = agents.flatMap { $0.signals(for: view, at: time) }
            return Consensus.evaluate(
                signals, enabledAgents: agents.map(\.id), weights: weights, configuration: configuration
            )
            .filter { $0.verdict >= minimumVerdict && usable($0.outcomeIndex, $0.decimalOdds, $0.edge) }
            .map { opportunity in
                let voters = opportunity.votes.compactMap(\.signal)
                return Candidate(
                    outcome: opportunity.outcomeIndex, bookmaker: opportunity.bookmaker,
                    odds: opportunity.decimalOdds, probability: opportunity.fairProbability,
                    edge: opportunity.edge, agents: voters.map(\.agent), reasons: voters.map(\.reason))
            }
        }
    }

    /// The stake in minor units (0: no bet).
    static func stakeFor(_ candidate: Candidate, cash: Int64, configuration c: BacktestConfiguration) -> Int64 {
        switch c.staking {
        case .flat(let amount):
            return amount - amount % c.stakeUnit
        case .kelly(let multiplier, let cap):
            guard cash > 0,
                let fraction = try? Kelly.fraction(
                    probability: candidate.probability, decimalOdds: candidate.odds,
                    multiplier: multiplier, cap: cap),
                let stake = try? Kelly.stake(fraction: fraction, bankroll: cash, stakeUnit: c.stakeUnit)
            else { return 0 }
            return stake
        }
    }

    /// Grade and gross return of a bet on `outcome`.
    static func settleBet(
        _ result: MarketResult, outcome: Int, outcomes: Int, stake: Int64, odds: Double, market: Int
    ) throws(BacktestError) -> (BetOutcome, Int64) {
        switch result {
        case .void:
            return (.void, stake)
        case .winner(let winner):
            guard (0..<outcomes).contains(winner) else { throw .invalidResult(market: market) }
            guard winner == outcome else { return (.lost, 0) }
            do throws(MoneyError) {
                return (.won, try Money.payout(stake: stake, decimalOdds: odds))
            } catch {
                throw .settlement(error == .invalidOdds ? .invalidOdds : .overflow)
            }
        case .graded(let markets, let status, let rules):
            guard markets.count == outcomes else { throw .invalidResult(market: market) }
            let slip = BetSlip(stake: stake, decimalOdds: odds, market: markets[outcome])
            do throws(SettlementError) {
                switch try Settler.settle(slip, status: status, rules: rules, now: .max) {
                case .settled(let result): return (result.outcome, result.payout)
                case .pending: return (.void, stake)
                }
            } catch {
                throw .settlement(error)
            }
        }
    }
}
