/// A refused batch is a 422 naming each item (at most 200 listed).
extension OddsFeedRejected: APIErrorConvertible {
    var apiError: APIError {
        APIError(
            status: .unprocessableContent, slug: "validation-failed", title: "Validation failed",
            detail: "\(items.count) item(s) of the batch cannot be stored; nothing was written",
            fieldIssues: items.prefix(200).map { APIError.FieldIssue(field: $0.field, message: $0.message) })
    }
}
