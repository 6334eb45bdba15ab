extension WebhookError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .webhookNotFound: .notFound("no such webhook")
        case .limitReached(let limit): .conflict("you already have \(limit) webhooks, the most an account may have")
        case .invalid(let field, let message): .validation(field: field, message: message)
        case .targetRefused(let field, let reason): .validation(field: field, message: "refused: \(reason)")
        case .noDataKey:
            .validation(field: "kind", message: "the server has no MONPS_DATA_KEY to store webhook secrets encrypted")
        case .deliveryNotFound: .notFound("no such delivery")
        case .deliveryNotDead(let status): .conflict("only dead deliveries can be retried; this one is \(status)")
        }
    }
}
