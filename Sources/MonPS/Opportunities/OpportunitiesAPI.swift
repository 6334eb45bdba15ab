import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `opportunities` tag, and the admin switch of the agents.
extension APIHandler {
    func listOpportunities(_ input: Operations.ListOpportunities.Input) async throws -> Operations.ListOpportunities.Output {
        let query = input.query
        var filter = OpportunityFilter(
            sport: query.sport, competition: query.competition, market: query.market?.rawValue, bookmaker: query.bookmaker,
            agent: query.agent, verdict: query.verdict?.rawValue, minEdge: query.minEdge)
        filter.sort = OpportunityFilter.Sort(query.sort ?? .score)
        let page = try await opportunityService.list(
            filter, startsWithin: query.startsWithin, page: try PageRequest(limit: query.limit, cursor: query.cursor))
        return .ok(.init(body: .json(.init(
            data: try page.items.map(Components.Schemas.Opportunity.init), nextCursor: .init(page.nextCursor)))))
    }

    func getOpportunity(_ input: Operations.GetOpportunity.Input) async throws -> Operations.GetOpportunity.Output {
        let detail = try await opportunityService.detail(id: input.path.id)
        let record = detail.record
        return .ok(.init(body: .json(.init(
            opportunity: try .init(record),
            votes: detail.votes.map(Components.Schemas.AgentVote.init),
            pricesSeen: .init(additionalProperties: detail.pricesSeen.mapValues { .init(additionalProperties: $0) }),
            currentBest: detail.currentBest.map(Components.Schemas.BookmakerPrice.init),
            historyUrl: "/v1/events/\(record.eventID)/odds/history?market=\(record.market.rawValue)"))))
    }

    func listAgents(_ input: Operations.ListAgents.Input) async throws -> Operations.ListAgents.Output {
        let data = try await opportunityService.agents().map(Components.Schemas.Agent.init)
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(nil)))))
    }

    func adminUpdateAgent(_ input: Operations.AdminUpdateAgent.Input) async throws -> Operations.AdminUpdateAgent.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let agent = try await opportunityService.setAgent(
            input.path.id, enabled: body.enabled, by: principal.userID, context: .current)
        return .ok(.init(body: .json(.init(agent))))
    }
}

extension OpportunityFilter.Sort {
    init(_ sort: Operations.ListOpportunities.Input.Query.SortPayload) {
        switch sort {
        case .score: self = .score
        case .edge: self = .edge
        case .start: self = .start
        }
    }
}

extension Components.Schemas.AgentVote {
    init(_ vote: MonPSCore.AgentVote) {
        self.init(
            agent: vote.agent.rawValue, voted: vote.voted, weight: vote.weight, bookmaker: vote.signal?.bookmaker,
            price: vote.signal?.decimalOdds, fairProbability: vote.signal?.fairProbability, edge: vote.signal?.edge,
            confidence: vote.signal?.confidence, reason: vote.signal?.reason)
    }
}

extension Components.Schemas.Verdict {
    init(_ verdict: Verdict) {
        switch verdict {
        case .analyze: self = .analyze
        case .caution: self = .caution
        }
    }
}

extension Verdict {
    init(_ verdict: Components.Schemas.Verdict) {
        switch verdict {
        case .analyze: self = .analyze
        case .caution: self = .caution
        }
    }
}

extension Components.Schemas.Opportunity {
    init(_ record: OpportunityRecord) throws {
        let status: StatusPayload =
            switch record.status {
            case .active: .active
            case .withdrawn: .withdrawn
            case .expired: .expired
            }
        self.init(
            id: record.id.uuidString.lowercased(), eventId: record.eventID, sport: record.sport, competition: record.competition,
            home: record.home, away: record.away, market: .init(record.market), point: record.point,
            outcome: .init(record.outcome), bookmaker: record.bookmaker, price: record.price,
            fairProbability: record.fairProbability, fairOdds: 1 / record.fairProbability, edge: record.edge,
            score: record.score, verdict: .init(record.verdict), agents: record.agents, startsAt: record.startsAt, status: status,
            detectedAt: record.detectedAt, updatedAt: record.updatedAt)
    }
}

extension OpportunityListingRenderer {
    /// The record's generated `Opportunity`, encoded as the generated handler encodes it: a list page joined from
    /// these entries is byte for byte the page the handler writes.
    static let api = OpportunityListingRenderer { record in
        String(decoding: try APIJSON.encoder.encode(Components.Schemas.Opportunity(record)), as: UTF8.self)
    }
}

extension Components.Schemas.Agent {
    init(_ record: AgentRecord) {
        self.init(id: record.id, letter: record.letter, title: record.title, description: record.description, enabled: record.enabled)
    }
}
