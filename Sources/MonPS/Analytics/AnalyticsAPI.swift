import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `analytics` tag: map the generated types to the service's and back, nothing else.
extension APIHandler {
    func getBankrollCurve(_ input: Operations.GetBankrollCurve.Input) async throws -> Operations.GetBankrollCurve.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            bankrollID: q.bankrollId, currency: q.currency, range: q.range, from: q.from, to: q.to)
        let interval: AnalyticsPeriodLength = try q.interval?.bridged() ?? .day
        let curve = try await analytics.service.bankrollCurve(query, interval: interval, owner: principal.userID)
        return .ok(.init(body: .json(.init(curve))))
    }

    func getAnalyticsBreakdown(_ input: Operations.GetAnalyticsBreakdown.Input) async throws -> Operations.GetAnalyticsBreakdown.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let by = try q.by.bridged(BreakdownDimension.self)
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range, from: q.from, to: q.to)
        let result = try await analytics.service.breakdown(query, by: by, owner: principal.userID)
        return .ok(.init(body: .json(.init(result))))
    }

    func getAnalyticsHeatmap(_ input: Operations.GetAnalyticsHeatmap.Input) async throws -> Operations.GetAnalyticsHeatmap.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range, from: q.from, to: q.to)
        let clock: HeatmapClock = try q.by?.bridged() ?? .placed
        let result = try await analytics.service.heatmap(query, clock: clock, owner: principal.userID)
        return .ok(.init(body: .json(.init(result))))
    }

    func getAnalyticsWinRate(_ input: Operations.GetAnalyticsWinRate.Input) async throws -> Operations.GetAnalyticsWinRate.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range, from: q.from, to: q.to)
        let length = try q.period?.bridged(AnalyticsPeriodLength.self) ?? .week
        let result = try await analytics.service.winRate(query, length: length, owner: principal.userID)
        return .ok(.init(body: .json(try .init(result))))
    }

    func getAnalyticsCLV(_ input: Operations.GetAnalyticsCLV.Input) async throws -> Operations.GetAnalyticsCLV.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range, from: q.from, to: q.to)
        let result = try await analytics.service.clv(query, owner: principal.userID)
        return .ok(.init(body: .json(.init(result))))
    }

    /// The shared filters, as the service takes them. A malformed bankroll id is a 400 (as on `/v1/bets`).
    static func analyticsQuery(
        sport: String? = nil, competition: String? = nil, bookmaker: String? = nil, bankrollID: String? = nil,
        market: String? = nil, source: String? = nil, agent: String? = nil, status: String? = nil,
        currency: String? = nil, range: Components.Parameters.AnalyticsRange? = nil, from: Date? = nil, to: Date? = nil
    ) throws -> AnalyticsQuery {
        let bankroll = try bankrollID.map { raw in
            guard let id = UUID(uuidString: raw) else { throw AnalyticsError.invalidParameter("bankroll_id", "must be a UUID") }
            return id
        }
        return AnalyticsQuery(
            filter: AnalyticsFilter(
                sport: sport, competition: competition, bookmaker: bookmaker, bankrollID: bankroll, market: market,
                source: source, agent: agent, status: status, currency: currency, from: from, to: to),
            range: try range?.bridged())
    }
}
