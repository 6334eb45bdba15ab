extension InvalidPlatformSetting: APIErrorConvertible {
    var apiError: APIError { .unprocessable(detail, field: field) }
}
