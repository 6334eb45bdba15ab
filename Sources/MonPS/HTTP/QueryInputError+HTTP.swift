extension QueryInputError: APIErrorConvertible {
    var apiError: APIError { .invalidParameter(parameter, message) }
}
