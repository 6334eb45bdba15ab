extension EventError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound(let id): .notFound("no event with id \(id)")
        }
    }
}
