import Foundation
import MonPSAPI
import MonPSCore

/// `GET /v1/agents/compare`.
extension APIHandler {
    func compareAgents(_ input: Operations.CompareAgents.Input) async throws -> Operations.CompareAgents.Output {
        let q = input.query
        let filter = AgentRecordsRepository.Filter(sport: q.sport, market: q.market?.rawValue, from: q.from, until: q.to)
        let period = AgentComparison.Period(rawValue: q.period?.rawValue ?? "month") ?? .month
        // Agent D re-weights the others and has no picks of its own: its weights are shown on each agent's line.
        let agents = try await opportunities.agents().filter { $0.id != AgentID.trackRecord.rawValue }
        let records = try await agentRecords.trackRecords()
        let marketType = q.market.flatMap { MarketType(rawValue: $0.rawValue) }
        let weights = Dictionary(uniqueKeysWithValues: agents.map { agent in
            let record = records.record(for: AgentID(rawValue: agent.id), sport: q.sport, market: marketType)
            return (agent.id, TrackRecordWeighting().weight(for: record))
        })
        let comparison = AgentComparison.build(
            agents: agents.map { (id: $0.id, title: "\($0.letter) — \($0.title)", enabled: $0.enabled) }, weights: weights,
            live: try await agentRecords.live(filter), backtests: try await agentRecords.latestBacktests(filter),
            period: period)
        return .ok(.init(body: .json(.init(comparison))))
    }
}

extension Components.Schemas.AgentComparison {
    init(_ comparison: AgentComparison) {
        self.init(
            period: .init(rawValue: comparison.period.rawValue) ?? .month,
            agents: comparison.agents.map { line in
                .init(
                    agent: line.agent, title: line.title, enabled: line.enabled, weight: line.weight,
                    live: .init(line.live), backtest: line.backtest.map(Components.Schemas.AgentStats.init),
                    backtestId: line.backtestID?.uuidString.lowercased(),
                    periods: line.periods.map {
                        .init(period: $0.period, live: $0.live.map(Components.Schemas.AgentStats.init),
                              backtest: $0.backtest.map(Components.Schemas.AgentStats.init))
                    })
            },
            verdicts: comparison.verdicts.map { .init(verdict: .init(rawValue: $0.verdict) ?? .caution, stats: .init($0.stats)) })
    }
}

extension Components.Schemas.AgentStats {
    init(_ stats: AgentComparison.Stats) {
        let r = stats.report
        self.init(
            bets: r?.count ?? 0, voidBets: r?.voidCount ?? 0, hitRate: r?.hitRate, expectedHitRate: stats.expectedHitRate,
            averageOdds: r?.averageOdds, staked: r?.staked ?? 0, profit: r?.profit ?? 0, _yield: r?.yield, roi: r?.roi,
            sharpe: r?.sharpe, maxDrawdown: r?.maxDrawdown ?? 0, averageClv: r?.averageCLV, clvBets: r?.clvCount ?? 0,
            beatCloseShare: r?.beatCloseShare, pValue: r?.significance?.pValue)
    }
}
