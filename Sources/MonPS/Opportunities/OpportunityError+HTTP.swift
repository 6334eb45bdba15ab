extension OpportunityError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound(let reference): .notFound("no opportunity with id \(reference)")
        case .agentNotFound(let id): .notFound("no agent \(id)")
        case .invalid(let field, let message): .invalidParameter(field, message)
        }
    }
}
