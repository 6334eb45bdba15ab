/// Too many waiting backtests is a 409.
extension BacktestFailure: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .tooManyWaiting: .conflict(description)
        case .notFound: .notFound(description)
        }
    }
}
