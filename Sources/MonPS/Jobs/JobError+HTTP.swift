/// An unknown job is a 404, one already running a 409.
extension JobError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .unknownJob: .notFound(description)
        case .alreadyRunning: .conflict(description)
        }
    }
}
