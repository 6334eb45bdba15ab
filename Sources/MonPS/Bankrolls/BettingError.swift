/// Everything the bankroll, settings and bet features refuse. How each looks over HTTP (the one place where these
/// domain errors get their status): `BettingError+HTTP.swift`.
enum BettingError: Error, Sendable, Equatable {
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
    /// The `opportunity_id` of a bet or suggestion names no opportunity (`reference` as given, shortened).
    case opportunityNotFound(reference: String)
    /// The opportunity is withdrawn or expired: its price is no longer there.
    case opportunityClosed(status: String)
}
