extension SportError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound(let key): .notFound("no sport with key \(key.prefix(64))")
        }
    }
}
