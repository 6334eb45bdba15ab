extension ShareError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .opportunityNotFound(let id): .notFound("no opportunity with id \(id.uuidString.lowercased())")
        case .shareNotFound: .notFound("no such share")
        }
    }
}
