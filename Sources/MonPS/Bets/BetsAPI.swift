import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `bets` tag. Every lookup is scoped to the caller: another user's bet is a 404.
extension APIHandler {
    func listBets(_ input: Operations.ListBets.Input) async throws -> Operations.ListBets.Output {
        let principal = try RequestScope.requirePrincipal()
        let query = input.query
        let page = try PageRequest(limit: query.limit, cursor: query.cursor)
        let after = try KeysetSQL.position(page.after).map { position throws(APIError) in
            guard let id = UUID(uuidString: position.id) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (position.micros, id)
        }
        let filter = BetFilter(
            status: try query.status?.bridged(), sport: query.sport, bookmaker: query.bookmaker,
            bankrollID: try query.bankrollId.map(Self.bankrollFilter), tag: query.tag, from: query.from, to: query.to)
        let fetched = try await bets.list(userID: principal.userID, filter: filter, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.placedMicros), $0.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.Bet.init), nextCursor: .init(next)))))
    }

    func createBet(_ input: Operations.CreateBet.Input) async throws -> Operations.CreateBet.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        var request: BetService.PlaceRequest
        if let reference = body.opportunityId {
            request = try await bets.placeRequest(
                onOpportunity: reference,
                terms: .init(
                    eventID: body.eventId, market: try body.market?.bridged(), selection: try body.selection?.bridged(),
                    bookmaker: body.bookmaker,
                    odds: body.odds, fairProbability: body.fairProbability),
                stake: body.stake)
        } else {
            guard let market: BetMarketKind = try body.market?.bridged() else {
                throw BettingError.validation(field: "market", message: "is required without opportunity_id")
            }
            guard let selection: BetSelection = try body.selection?.bridged() else {
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

    func getBet(_ input: Operations.GetBet.Input) async throws -> Operations.GetBet.Output {
        let principal = try RequestScope.requirePrincipal()
        let bet = try await bets.get(id: try UUID.parameter(input.path.id), userID: principal.userID)
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
        let bet = try await bets.cancel(id: try UUID.parameter(input.path.id), userID: principal.userID, context: .current)
        return .ok(.init(body: .json(try .init(bet))))
    }

    func suggestStake(_ input: Operations.SuggestStake.Input) async throws -> Operations.SuggestStake.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let bankrollID = try body.bankrollId.map(Self.bankrollReference)
        let request =
            if let reference = body.opportunityId {
                try await bets.suggestionRequest(
                    onOpportunity: reference, bankrollID: bankrollID, odds: body.odds, probability: body.probability)
            } else {
                BetService.SuggestionRequest(
                    bankrollID: bankrollID, odds: body.odds, probability: body.probability, eventID: body.eventId,
                    market: try body.market?.bridged(), selection: try body.selection?.bridged(), point: body.point,
                    bookmaker: body.bookmaker)
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
            userID: principal.userID, range: try query.range?.bridged(),
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
