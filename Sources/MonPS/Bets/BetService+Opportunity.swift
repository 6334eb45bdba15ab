import Foundation
import MonPSCore

/// The opportunity a bet or a stake suggestion refers to: which line it is, and what a client may state beside it.
protocol OpportunityLookup: Sendable {
    func get(id: UUID) async throws -> OpportunityRecord?
}

extension PostgresOpportunityRepository: OpportunityLookup {}

extension BetService {
    /// The bet line of an active opportunity, at its own side's point (an opportunity carries its market's line,
    /// the home handicap, so the away side of a spread is at the mirrored point).
    struct OpportunityLine: Sendable, Equatable {
        var opportunityID: UUID
        var eventID: Int64
        var market: BetMarketKind
        var selection: BetSelection
        var point: Double?
        var bookmaker: String
        var price: Double
        var fairProbability: Double
        var agents: [String]
    }

    /// What a client states beside `opportunity_id`: each value given must agree with the opportunity, except the
    /// odds (the price actually taken) and the fair probability (the bettor's own view).
    struct OpportunityTerms: Sendable {
        var eventID: Int64?
        var market: BetMarketKind?
        var selection: BetSelection?
        var bookmaker: String?
        var odds: Double?
        var fairProbability: Double?
    }

    /// The line of an opportunity still open for betting: a withdrawn or expired one is refused.
    func opportunityLine(_ reference: String) async throws -> OpportunityLine {
        guard let id = UUID(uuidString: reference), let opportunity = try await opportunities.get(id: id) else {
            throw BettingError.opportunityNotFound(reference: String(reference.prefix(64)))
        }
        guard opportunity.status == .active else { throw BettingError.opportunityClosed(status: opportunity.status.rawValue) }
        let market = try BetMarketKind(stored: opportunity.market.rawValue, column: "opportunities.market")
        let selection = BetSelection(opportunity.outcome)
        let point = MarketKey(opportunity.market, line: opportunity.point).point(of: selection.rawValue)
        return OpportunityLine(
            opportunityID: opportunity.id, eventID: opportunity.eventID, market: market, selection: selection, point: point,
            bookmaker: opportunity.bookmaker, price: opportunity.price, fairProbability: opportunity.fairProbability,
            agents: opportunity.agents)
    }

    /// A bet on an opportunity: its event, selection, price and fair probability, with the client's terms checked
    /// against it.
    func placeRequest(onOpportunity reference: String, terms: OpportunityTerms, stake: Int64) async throws -> PlaceRequest {
        let line = try await opportunityLine(reference)
        if let given = terms.market, given != line.market {
            throw BettingError.validation(field: "market", message: "does not match the opportunity (\(line.market.rawValue))")
        }
        if let given = terms.selection, given != line.selection {
            throw BettingError.validation(field: "selection", message: "does not match the opportunity (\(line.selection.rawValue))")
        }
        if let given = terms.eventID, given != line.eventID {
            throw BettingError.validation(field: "event_id", message: "does not match the opportunity")
        }
        return PlaceRequest(
            eventID: line.eventID, eventDescription: nil, sport: nil, competition: nil, market: line.market,
            selection: line.selection, point: line.point, bookmaker: terms.bookmaker ?? line.bookmaker,
            odds: terms.odds ?? line.price, stake: stake, bankrollID: nil,
            fairProbability: terms.fairProbability ?? line.fairProbability, tags: [], notes: nil, isLive: false,
            opportunityID: line.opportunityID, agent: line.agents.joined(separator: ","))
    }

    /// A stake suggestion for an opportunity's line; the client's odds and probability, when given, take precedence.
    func suggestionRequest(
        onOpportunity reference: String, bankrollID: UUID?, odds: Double?, probability: Double?
    ) async throws -> SuggestionRequest {
        let line = try await opportunityLine(reference)
        return SuggestionRequest(
            bankrollID: bankrollID, odds: odds ?? line.price, probability: probability ?? line.fairProbability,
            eventID: line.eventID, market: line.market, selection: line.selection, point: line.point,
            bookmaker: line.bookmaker)
    }

    // MARK: - Reads and cancellation, scoped to the caller

    func list(userID: UUID, filter: BetFilter, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [BetRecord] {
        try await repository.list(owner: userID, filter: filter, after: after, limit: limit)
    }

    /// The caller's bet; another user's is the same answer as a missing one.
    func get(id: UUID, userID: UUID) async throws -> BetRecord {
        guard let bet = try await repository.get(id: id, owner: userID) else { throw BettingError.betNotFound }
        return bet
    }

    func cancel(id: UUID, userID: UUID, context: AuditContext) async throws -> BetRecord {
        try await repository.cancel(id: id, owner: userID, context: context)
    }
}
