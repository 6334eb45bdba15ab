import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `bets` tag. Every lookup is scoped to the caller: another user's bet is a 404.
extension APIHandler {
    func listBets(_ input: Operations.ListBets.Input) async throws -> Operations.ListBets.Output {
        let principal = try RequestScope.requirePrincipal()
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let after = try BettingSQL.position(page.after).map { position throws(APIError) in
            guard let id = UUID(uuidString: position.id) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (position.micros, id)
        }
        let filter = BetFilter(
            status: query.status.flatMap { BetStatus(rawValue: $0.rawValue) }, sport: query.sport, bookmaker: query.bookmaker,
            bankrollID: try query.bankrollId.map(Self.bankrollFilter), tag: query.tag, from: query.from, to: query.to)
        let fetched = try await bets.repository.list(owner: principal.userID, filter: filter, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.placedMicros), $0.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.Bet.init), nextCursor: .init(next)))))
    }

    func createBet(_ input: Operations.CreateBet.Input) async throws -> Operations.CreateBet.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        var request: BetService.PlaceRequest
        if let reference = body.opportunityId {
            request = try await placeRequest(fromOpportunity: reference, body: body)
        } else {
            guard let market = body.market.flatMap({ BetMarketKind(rawValue: $0.rawValue) }) else {
                throw BettingError.validation(field: "market", message: "is required without opportunity_id")
            }
            guard let selection = body.selection.flatMap({ BetSelection(rawValue: $0.rawValue) }) else {
                throw BettingError.validation(field: "selection", message: "is required without opportunity_id")
            }
            guard let bookmaker = body.bookmaker else {
                throw BettingError.validation(field: "bookmaker", message: "is required without opportunity_id")
            }
            guard let odds = body.odds else { throw BettingError.validation(field: "odds", message: "is required without opportunity_id") }
            request = BetService.PlaceRequest(
                eventID: body.eventId, eventDescription: body.eventDescription, sport: body.sport, competition: body.competition,
                market: market, selection: selection, point: body.point, bookmaker: bookmaker, odds: odds,
                stake: body.stake, bankrollID: nil, fairProbability: body.fairProbability, tags: [], notes: nil,
                isLive: body.isLive ?? false)
        }
        request.stake = body.stake
        request.bankrollID = try body.bankrollId.map(Self.bankrollReference)
        request.tags = body.tags ?? []
        request.notes = body.notes
        request.isLive = body.isLive ?? false
        let bet = try await bets.place(request, userID: principal.userID, context: .current)
        return .created(.init(body: .json(try .init(bet))))
    }

    /// A bet on an opportunity: its selection, price and fair probability; explicit fields must agree with it.
    private func placeRequest(
        fromOpportunity reference: String, body: Components.Schemas.CreateBetRequest
    ) async throws -> BetService.PlaceRequest {
        let opportunity = try await activeOpportunity(reference)
        guard let market = BetMarketKind(rawValue: opportunity.market),
              let selection = BetSelection(rawValue: opportunity.outcome) else { throw APIError.internalError }
        // The opportunity carries its market's line (the home handicap); the bet is at its own side's point.
        let point = MarketType(rawValue: market.rawValue).flatMap { MarketKey($0, line: opportunity.point).point(of: selection.rawValue) }
        if let given = body.market?.rawValue, given != market.rawValue {
            throw BettingError.validation(field: "market", message: "does not match the opportunity (\(market.rawValue))")
        }
        if let given = body.selection?.rawValue, given != selection.rawValue {
            throw BettingError.validation(field: "selection", message: "does not match the opportunity (\(selection.rawValue))")
        }
        if let given = body.eventId, given != opportunity.eventID {
            throw BettingError.validation(field: "event_id", message: "does not match the opportunity")
        }
        return BetService.PlaceRequest(
            eventID: opportunity.eventID, eventDescription: nil, sport: nil, competition: nil, market: market,
            selection: selection, point: point, bookmaker: body.bookmaker ?? opportunity.bookmaker,
            odds: body.odds ?? opportunity.price, stake: body.stake, bankrollID: nil,
            fairProbability: body.fairProbability ?? opportunity.fairProbability, tags: [], notes: nil, isLive: false,
            opportunityID: opportunity.id, agent: opportunity.agents.joined(separator: ","))
    }

    /// An opportunity still open for betting (a withdrawn or expired one is a 409).
    func activeOpportunity(_ reference: String) async throws -> OpportunityRecord {
        guard let id = UUID(uuidString: reference), let opportunity = try await opportunities.get(id: id) else {
            throw APIError.notFound("no opportunity with id \(reference.prefix(64))")
        }
        guard opportunity.status == "active" else {
            throw APIError.conflict("the opportunity is \(opportunity.status); its price is no longer there")
        }
        return opportunity
    }

    func getBet(_ input: Operations.GetBet.Input) async throws -> Operations.GetBet.Output {
        let principal = try RequestScope.requirePrincipal()
        guard let bet = try await bets.repository.get(id: try UUID.parameter(input.path.id), owner: principal.userID) else {
            throw BettingError.betNotFound
        }
        return .ok(.init(body: .json(try .init(bet))))
    }

    func updateBet(_ input: Operations.UpdateBet.Input) async throws -> Operations.UpdateBet.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let bet = try await bets.update(
            id: try UUID.parameter(input.path.id), userID: principal.userID, odds: body.odds, stake: body.stake,
            tags: body.tags, notes: body.notes, context: .current)
        return .ok(.init(body: .json(try .init(bet))))
    }

    func cancelBet(_ input: Operations.CancelBet.Input) async throws -> Operations.CancelBet.Output {
        let principal = try RequestScope.requirePrincipal()
        let bet = try await bets.repository.cancel(
            id: try UUID.parameter(input.path.id), owner: principal.userID, context: .current)
        return .ok(.init(body: .json(try .init(bet))))
    }

    func suggestStake(_ input: Operations.SuggestStake.Input) async throws -> Operations.SuggestStake.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        var request = BetService.SuggestionRequest(
            bankrollID: try body.bankrollId.map(Self.bankrollReference), odds: body.odds, probability: body.probability,
            eventID: body.eventId, market: body.market.flatMap { BetMarketKind(rawValue: $0.rawValue) },
            selection: body.selection.flatMap { BetSelection(rawValue: $0.rawValue) }, point: body.point,
            bookmaker: body.bookmaker)
        if let reference = body.opportunityId {
            let opportunity = try await activeOpportunity(reference)
            let market = BetMarketKind(rawValue: opportunity.market)
            let selection = BetSelection(rawValue: opportunity.outcome)
            request.eventID = opportunity.eventID
            request.market = market
            request.selection = selection
            request.point = opportunity.point.map { market == .spreads && selection == .away ? -$0 : $0 }
            request.bookmaker = opportunity.bookmaker
            request.odds = body.odds ?? opportunity.price
            request.probability = body.probability ?? opportunity.fairProbability
        }
        let suggestion = try await bets.suggest(request, userID: principal.userID)
        return .ok(.init(body: .json(try .init(suggestion))))
    }

    func getBetsSummary(_ input: Operations.GetBetsSummary.Input) async throws -> Operations.GetBetsSummary.Output {
        let principal = try RequestScope.requirePrincipal()
        let query = input.query
        if let currency = query.currency, currency.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            throw APIError.invalidParameter("currency", "must be an ISO 4217 code such as EUR")
        }
        let summary = try await bets.summary(
            userID: principal.userID, range: query.range.flatMap { BetService.SummaryRange(rawValue: $0.rawValue) },
            from: query.from, to: query.to, bankrollID: try query.bankrollId.map(Self.bankrollFilter),
            currency: query.currency)
        return .ok(.init(body: .json(.init(summary))))
    }

    /// A bankroll named in a body: a malformed id names no bankroll of the caller's (404, like another user's).
    private static func bankrollReference(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw BettingError.bankrollNotFound }
        return id
    }

    private static func bankrollFilter(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw APIError.invalidParameter("bankroll_id", "must be a UUID") }
        return id
    }
}
