/// What the webhook and delivery endpoints refuse (mapped to problem+json in `WebhookError+HTTP`).
enum WebhookError: Error, Equatable {
    case webhookNotFound
    case limitReached(Int)
    /// A value that does not fit the webhook's kind, or a malformed one (422).
    case invalid(field: String, message: String)
    /// The URL fails the address checks (422).
    case targetRefused(field: String, reason: String)
    /// No `MONPS_DATA_KEY`: secrets cannot be stored encrypted (422, like the platform's Odds API key).
    case noDataKey
    case deliveryNotFound
    case deliveryNotDead(status: String)
}
