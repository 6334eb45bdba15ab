import Foundation
import MonPSAPI
import MonPSCore

/// `GET /v1/opportunities/history` and `GET /v1/admin/analytics`.
extension APIHandler {
    func listOpportunityHistory(
        _ input: Operations.ListOpportunityHistory.Input
    ) async throws -> Operations.ListOpportunityHistory.Output {
        _ = try RequestScope.requirePrincipal()
        let q = input.query
        let page = try PageRequest(limit: q.limit, cursor: q.cursor)
        let after = try KeysetSQL.position(page.after).map { position throws(APIError) in
            guard let id = UUID(uuidString: position.id) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (position.micros, id)
        }
        let filter = OpportunityHistoryFilter(
            agent: q.agent, sport: q.sport, verdict: q.verdict.map(Verdict.init), from: q.from, to: q.to)
        let fetched = try await analytics.history.page(filter: filter, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.startsMicros), $0.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(
            data: items.map { record in
                .init(
                    id: record.id.uuidString.lowercased(), eventId: record.eventID, sport: record.sport,
                    competition: record.competition, home: record.home, away: record.away, market: .init(record.market),
                    point: record.point, outcome: .init(record.outcome), bookmaker: record.bookmaker,
                    priceAtKickoff: record.price, fairProbability: record.fairProbability, edge: record.edge,
                    score: record.score, verdict: .init(record.verdict), agents: record.agents,
                    votes: record.votes.map(Components.Schemas.AgentVote.init),
                    status: Self.historyStatus(record.status), startsAt: record.startsAt, detectedAt: record.detectedAt,
                    result: record.homeScore.flatMap { home in
                        record.awayScore.map {
                            .init(homeScore: home, awayScore: $0, winner: record.winner.map(Components.Schemas.MatchWinner.init))
                        }
                    },
                    paper: record.grade.map { grade in
                        .init(grade: .init(grade), unitReturn: record.unitReturn ?? 0, clv: record.clv.flatMap { $0.isFinite ? $0 : nil })
                    })
            },
            nextCursor: .init(next)))))
    }

    /// An opportunity still active whose event has started is past: expired (the expiry job has not run yet).
    private static func historyStatus(_ status: OpportunityStatus) -> Components.Schemas.OpportunityHistoryItem.StatusPayload {
        switch status {
        case .withdrawn: .withdrawn
        case .expired, .active: .expired
        }
    }

    func getAdminAnalytics(_ input: Operations.GetAdminAnalytics.Input) async throws -> Operations.GetAdminAnalytics.Output {
        _ = try RequestScope.requirePrincipal()
        let report = try await analytics.admin.report(hours: input.query.hours ?? 24)
        return .ok(.init(body: .json(.init(
            activeUsers: .init(day: report.activeUsers.day, week: report.activeUsers.week, month: report.activeUsers.month),
            betsPerDay: report.betsPerDay.map { .init(date: $0.date, count: $0.count) },
            requests: report.requests.map { .init(principal: $0.principal, routeClass: $0.routeClass, requests: Int($0.count)) },
            jobs: report.jobs.map {
                .init(
                    job: $0.name, lastSuccess: $0.lastSuccess, lastFailure: $0.lastFailure, runs24h: $0.runs,
                    failures24h: $0.failures)
            },
            backtests: .init(total: report.backtests.total, last30Days: report.backtests.lastMonth, failed: report.backtests.failed)))))
    }
}
