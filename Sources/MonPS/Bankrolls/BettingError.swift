import HTTPTypes

/// Everything the bankroll, settings and bet features refuse, and how it looks over HTTP (`apiError`): the one
/// place where these domain errors get their status.
enum BettingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such bankroll of the caller's (another user's is the same answer).
    case bankrollNotFound
    /// No such bet of the caller's.
    case betNotFound
    /// A value that makes no sense (422), naming the field.
    case validation(field: String, message: String)
    /// The balance cannot cover `needed` (a stake, a withdrawal, a negative correction).
    case insufficientFunds(balance: Int64, needed: Int64)
    /// The bankroll is archived: no new bets or transactions.
    case bankrollArchived
    /// Another live bankroll of the caller already has this name.
    case bankrollNameTaken
    /// Only pending bets can be edited or cancelled.
    case betNotPending(status: String)
    /// The event has started and the bet is not marked live.
    case eventStarted
    /// No price or fair price to size a stake with.
    case noPrice(field: String, message: String)
    /// A summary over bankrolls in several currencies.
    case mixedCurrencies([String])
    /// A cancelled bet (refunded) cannot be graded.
    case betCancelled

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
            return APIError(
                status: .unprocessableContent, slug: "validation-failed", title: "Validation failed",
                detail: "\(field): \(message)", fieldIssues: [.init(field: field, message: message)])
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
        case .mixedCurrencies(let currencies):
            return APIError(
                status: .unprocessableContent, slug: "mixed-currencies", title: "Mixed currencies",
                detail: "your bets are in \(currencies.joined(separator: ", ")); filter by bankroll_id or currency",
                fieldIssues: [.init(field: "currency", message: "is required when bets span several currencies")])
        }
    }
}
