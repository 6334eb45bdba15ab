import Foundation
import MonPSCore

/// What a stored backtest replays: one agent or the consensus, over the stored events of a sport and period.
struct BacktestParameters: Sendable, Equatable {
    /// `consensus_anomaly`, `sharp_value`, `steam` or `consensus`.
    var strategy: String
    var sport: String?
    var from: Date?
    var until: Date?
    var staking: StakingPlan
    /// Starting bankroll, minor units.
    var bankroll: Int64
    var seed: UInt64

    static let strategies = ["consensus_anomaly", "sharp_value", "steam", "consensus"]
    static let defaultSeed: UInt64 = 20_240_601
    static let maximumBankroll: Int64 = 1_000_000_000_000

    /// The agents behind `strategy` with the live thresholds, and how the core replays them (the consensus: every
    /// live agent, unweighted, bets of verdict `analyze` only, as `monps backtest --agent consensus`).
    func replay(_ settings: DetectionSettings = DetectionSettings()) -> (agents: [AgentID], strategy: BacktestStrategy)? {
        let agents = settings.agents
        if strategy == "consensus" {
            let all = [AgentID.consensusAnomaly, .sharpValue, .steam].compactMap { agents[$0] }
            return (all.map(\.id), .consensus(agents: all, configuration: settings.consensus))
        }
        guard let agent = agents[AgentID(rawValue: strategy)] else { return nil }
        return ([agent.id], .agent(agent))
    }
}

enum BacktestStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed
}

/// A backtest as stored.
struct BacktestRecord: Sendable, Equatable {
    var id: UUID
    var userID: UUID
    var parameters: BacktestParameters
    var status: BacktestStatus
    var attempts: Int
    var error: String?
    var summary: BacktestSummary?
    var equity: [EquityPoint]
    var betCount: Int
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
}

/// The bankroll once every bet settled by `at` is paid.
struct EquityPoint: Sendable, Codable, Equatable {
    var at: Date
    var bankroll: Int64

    /// The curve of `bets`: the starting bankroll at the first decision, then one point per settlement time.
    static func curve(_ bets: [BacktestBet], startingBankroll: Int64) -> [EquityPoint] {
        guard let first = bets.map(\.placedAt).min() else { return [] }
        var points = [EquityPoint(at: first, bankroll: startingBankroll)]
        var bankroll = startingBankroll
        for bet in bets.sorted(by: { $0.settledAt < $1.settledAt }) {
            bankroll += bet.profit
            if points.last?.at == bet.settledAt {
                points[points.count - 1].bankroll = bankroll
            } else {
                points.append(EquityPoint(at: bet.settledAt, bankroll: bankroll))
            }
        }
        return points
    }
}

/// One simulated bet as stored (the core's bet with the stored event id and sport).
struct StoredBacktestBet: Sendable, Equatable {
    var eventID: Int64
    var sport: String
    var bet: BacktestBet
}

enum BacktestFailure: Error, Equatable, CustomStringConvertible {
    case tooManyWaiting(limit: Int)
    /// No run with this id that the caller may read (`reference` as given, shortened).
    case notFound(reference: String)

    var description: String {
        switch self {
        case .tooManyWaiting(let limit):
            "you already have \(limit) backtests waiting or running; wait for one to finish"
        case .notFound(let reference): "no backtest with id \(reference)"
        }
    }
}
