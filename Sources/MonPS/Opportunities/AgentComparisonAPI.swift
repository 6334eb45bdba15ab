import Foundation
import MonPSAPI
import MonPSCore

/// `GET /v1/agents/compare`.
extension APIHandler {
    func compareAgents(_ input: Operations.CompareAgents.Input) async throws -> Operations.CompareAgents.Output {
        let q = input.query
        let filter = AgentRecordFilter(sport: q.sport, market: q.market.map(MarketType.init), from: q.from, until: q.to)
        let period = try q.period?.bridged(AgentComparison.Period.self) ?? .month
        let comparison = try await opportunityService.comparison(filter, period: period)
        return .ok(.init(body: .json(try .init(comparison))))
    }
}

extension Components.Schemas.AgentComparison {
    init(_ comparison: AgentComparison) throws {
        self.init(
            period: try comparison.period.bridged(),
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
            verdicts: comparison.verdicts.map { .init(verdict: .init($0.verdict), stats: .init($0.stats)) })
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
