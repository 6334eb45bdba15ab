/// How analytics refusals look over HTTP: the shapes the rest of the API already uses for the same situations.
extension AnalyticsError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidParameter(let name, let message): .invalidParameter(name, message)
        case .bankrollNotFound: BettingError.bankrollNotFound.apiError
        case .mixedCurrencies(let currencies): BettingError.mixedCurrencies(currencies).apiError
        }
    }
}
