import Foundation
import Logging
import MonPSCore

/// `backtests.run`: works through the queued backtests (`POST /v1/backtests`), oldest first, one at a time across
/// the cluster. Started at once by the request that queues one, and on its schedule for anything left behind.
struct BacktestJob: Job {
    let repository: BacktestRepository
    let history: StoredHistory
    var settings = DetectionSettings()
    var interval: Duration = .seconds(60)

    var name: String { "backtests.run" }
    var summary: String { "Runs queued backtests over the stored events, odds and results" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var outcome = JobOutcome()
        try await repository.requeueInterrupted()
        while !Task.isCancelled, let backtest = try await repository.claim() {
            do {
                let result = try await Self.replay(backtest.parameters, history: history, settings: settings)
                try await repository.succeed(backtest.id, summary: result.summary, equity: result.equity, bets: result.bets)
                outcome.items += 1
            } catch let error as BacktestRunError {
                try await repository.fail(backtest.id, reason: error.description)
                outcome.errors += 1
            }
            // Anything else (the database went away) leaves the run `running`: the next run requeues it.
        }
        outcome.message = "\(outcome.items) backtest(s) finished, \(outcome.errors) failed"
        return outcome
    }

    struct Result: Sendable {
        var summary: BacktestSummary
        var equity: [EquityPoint]
        var bets: [StoredBacktestBet]
    }

    /// Replays the stored history through the strategy, as `monps backtest` replays files.
    static func replay(
        _ parameters: BacktestParameters, history: StoredHistory, settings: DetectionSettings = DetectionSettings()
    ) async throws -> Result {
        guard let replay = parameters.replay(settings) else { throw BacktestRunError.unknownStrategy(parameters.strategy) }
        let filter = StoredHistory.Filter(sport: parameters.sport, from: parameters.from, until: parameters.until)
        let events = try await history.events(filter)
        let options = HistoricalMarketOptions(sport: parameters.sport, from: parameters.from, until: parameters.until)
        let set = HistoricalMarkets.map(events, options: options)
        let configuration = BacktestConfiguration(
            startingBankroll: parameters.bankroll, staking: parameters.staking, seed: parameters.seed)
        let report: BacktestReport
        do {
            report = try Backtest.run(set.markets, strategy: replay.strategy, configuration: configuration)
        } catch {
            throw BacktestRunError.backtest(error)
        }
        let run = BacktestSummary.Run(
            agent: parameters.strategy, agentKeys: replay.agents.map(\.rawValue), staking: parameters.staking.description,
            bankrollMinor: parameters.bankroll, seed: parameters.seed, resamples: configuration.resamples)
        let summary = BacktestSummary(run: run, files: 0, markets: set, report: report)
        let sports = Dictionary(events.map { ($0.externalID, $0.sportKey) }, uniquingKeysWith: { first, _ in first })
        let bets = report.bets.map { bet in
            // Markets carry the replay's own event numbers; give the bets back the stored ids.
            let external = set.externalIDs[bet.eventID] ?? ""
            var stored = bet
            stored.eventID = Int64(external) ?? bet.eventID
            return StoredBacktestBet(eventID: stored.eventID, sport: sports[external] ?? "", bet: stored)
        }
        return Result(
            summary: summary, equity: EquityPoint.curve(report.bets, startingBankroll: parameters.bankroll), bets: bets)
    }
}

enum BacktestRunError: Error, CustomStringConvertible {
    case unknownStrategy(String)
    case backtest(BacktestError)

    var description: String {
        switch self {
        case .unknownStrategy(let name): "unknown strategy '\(name)'"
        case .backtest(.invalidStakingPlan(let plan)): "invalid staking plan '\(plan)'"
        case .backtest(.invalidConfiguration): "invalid configuration (bankroll, stake unit or resamples)"
        case .backtest(.invalidResult(let market)): "a stored result does not fit its market (market \(market))"
        case .backtest(.settlement(let error)): "settlement failed: \(error)"
        case .backtest(.statistics(let error)): "statistics failed: \(error)"
        }
    }
}
