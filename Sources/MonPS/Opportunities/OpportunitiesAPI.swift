import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `opportunities` tag, and the admin switch of the agents.
extension APIHandler {
    func listOpportunities(_ input: Operations.ListOpportunities.Input) async throws -> Operations.ListOpportunities.Output {
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        var filter = OpportunityFilter(
            sport: query.sport, competition: query.competition, market: query.market?.rawValue, bookmaker: query.bookmaker,
            agent: query.agent, verdict: query.verdict?.rawValue, minEdge: query.minEdge)
        filter.sort = OpportunityFilter.Sort(rawValue: query.sort?.rawValue ?? "score") ?? .score
        if let within = query.startsWithin {
            filter.startsBefore = now().addingTimeInterval(try Self.duration(within))
        }
        if let minEdge = query.minEdge, !minEdge.isFinite { throw APIError.invalidParameter("min_edge", "must be a number") }
        let after = try page.after.map(OpportunityFilter.Sort.keyset)
        let fetched = try await opportunities.list(filter, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { record in
            filter.sort.cursorKey(score: record.score, edge: record.edge, startsAt: record.startsAt, id: record.id)
        }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.Opportunity.init), nextCursor: .init(next)))))
    }

    func getOpportunity(_ input: Operations.GetOpportunity.Input) async throws -> Operations.GetOpportunity.Output {
        guard let id = UUID(uuidString: input.path.id), let record = try await opportunities.get(id: id) else {
            throw APIError.notFound("no opportunity with id \(input.path.id.prefix(64))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let votes = (try? decoder.decode([AgentVote].self, from: Data((record.votesJSON ?? "[]").utf8))) ?? []
        let seen = (try? decoder.decode([String: [String: Double]].self, from: Data((record.pricesJSON ?? "{}").utf8))) ?? [:]
        let best = EventPrices(latest: try await opportunities.currentPrices(of: record), closing: []).best
        return .ok(.init(body: .json(.init(
            opportunity: try .init(record),
            votes: votes.map { vote in
                .init(
                    agent: vote.agent.rawValue, voted: vote.voted, weight: vote.weight, bookmaker: vote.signal?.bookmaker,
                    price: vote.signal?.decimalOdds, fairProbability: vote.signal?.fairProbability, edge: vote.signal?.edge,
                    confidence: vote.signal?.confidence, reason: vote.signal?.reason)
            },
            pricesSeen: .init(additionalProperties: seen.mapValues { .init(additionalProperties: $0) }),
            currentBest: try best.map(Components.Schemas.BookmakerPrice.init),
            historyUrl: "/v1/events/\(record.eventID)/odds/history?market=\(record.market)"))))
    }

    func listAgents(_ input: Operations.ListAgents.Input) async throws -> Operations.ListAgents.Output {
        let data = try await opportunities.agents().map(Components.Schemas.Agent.init)
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(nil)))))
    }

    func adminUpdateAgent(_ input: Operations.AdminUpdateAgent.Input) async throws -> Operations.AdminUpdateAgent.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        guard let agent = try await opportunities.setAgent(input.path.id, enabled: body.enabled, by: principal.userID) else {
            throw APIError.notFound("no agent \(input.path.id.prefix(64))")
        }
        try? await auth.responseCache.invalidate(tag: "opportunities")
        try await auth.admin.audit.record(
            AuditAction("agent.updated"), actor: principal.userID, targetType: "agent", targetID: agent.id, context: .current,
            details: ["enabled": .bool(agent.enabled)])
        return .ok(.init(body: .json(.init(agent))))
    }

    /// `90m`, `24h`, `7d` → seconds (1 minute … 60 days).
    static func duration(_ text: String) throws -> TimeInterval {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else {
            throw APIError.invalidParameter("starts_within", "expected a number and a unit, e.g. 90m, 24h, 7d")
        }
        let seconds: Int
        switch unit {
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: throw APIError.invalidParameter("starts_within", "the unit must be m, h or d")
        }
        guard seconds <= 60 * 86_400 else { throw APIError.invalidParameter("starts_within", "at most 60 days") }
        return TimeInterval(seconds)
    }
}

extension Components.Schemas.Opportunity {
    init(_ record: OpportunityRecord) throws {
        let verdict: Components.Schemas.Verdict =
            switch record.verdict {
            case .analyze: .analyze
            case .caution: .caution
            }
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
            score: record.score, verdict: verdict, agents: record.agents, startsAt: record.startsAt, status: status,
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
