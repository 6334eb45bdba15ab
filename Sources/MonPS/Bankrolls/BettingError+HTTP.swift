import HTTPTypes

/// A log line says what the client is told.
extension BettingError: CustomStringConvertible {
    var description: String { apiError.detail ?? apiError.title }
}

extension BettingError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .bankrollNotFound:
            return .notFound("no such bankroll")
        case .betNotFound:
            return .notFound("no such bet")
        case .validation(let field, let message):
            return .validation(field: field, message: message)
        case .insufficientFunds(let balance, let needed):
            return APIError(
                status: .unprocessableContent, slug: "insufficient-funds", title: "Insufficient funds",
                detail: "the bankroll balance is \(balance) minor units; this needs \(needed)",
                fieldIssues: [.init(field: "amount", message: "exceeds the balance of \(balance)")])
        case .bankrollArchived:
            return APIError(
                status: .conflict, slug: "bankroll-archived", title: "Bankroll archived",
                detail: "the bankroll is archived; unarchive it first")
        case .bankrollNameTaken:
            return APIError(
                status: .conflict, slug: "bankroll-name-taken", title: "Name in use",
                detail: "you already have a bankroll with this name",
                fieldIssues: [.init(field: "name", message: "is already used by another of your bankrolls")])
        case .betNotPending(let status):
            return APIError(
                status: .conflict, slug: "bet-not-pending", title: "Bet not pending",
                detail: "the bet is \(status); only pending bets can be changed or cancelled")
        case .eventStarted:
            return APIError(
                status: .unprocessableContent, slug: "event-started", title: "Event started",
                detail: "the event has started; set is_live for an in-play bet",
                fieldIssues: [.init(field: "event_id", message: "has started")])
        case .noPrice(let field, let message):
            return APIError(
                status: .unprocessableContent, slug: "no-price", title: "No price available", detail: "\(field): \(message)",
                fieldIssues: [.init(field: field, message: message)])
        case .betCancelled:
            return APIError(
                status: .conflict, slug: "bet-cancelled", title: "Bet cancelled",
                detail: "the bet was cancelled and refunded; it cannot be settled")
        case .opportunityNotFound(let reference):
            return .notFound("no opportunity with id \(reference)")
        case .opportunityClosed(let status):
            return .conflict("the opportunity is \(status); its price is no longer there")
        case .mixedCurrencies(let currencies):
            return APIError(
                status: .unprocessableContent, slug: "mixed-currencies", title: "Mixed currencies",
                detail: "your bets are in \(currencies.joined(separator: ", ")); filter by bankroll_id or currency",
                fieldIssues: [.init(field: "currency", message: "is required when bets span several currencies")])
        }
    }
}
