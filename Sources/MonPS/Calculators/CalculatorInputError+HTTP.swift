/// 422 `unprocessable`, like the core's errors (`CoreErrors+HTTP.swift`).
extension CalculatorInputError: APIErrorConvertible {
    var apiError: APIError { .unprocessable(detail, field: field) }
}
