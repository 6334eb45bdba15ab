/// A refused strict import is a 422 naming the bad rows (at most 100); any other import error is an unreadable file.
extension ImportError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .strictRefused(let issues):
            APIError(
                status: .unprocessableContent, slug: "import-refused", title: "Import refused",
                detail: "strict mode: nothing imported because of \(issues.count) bad row(s)",
                fieldIssues: issues.prefix(100).map { APIError.FieldIssue(field: "file", message: $0) })
        default:
            APIError(status: .unprocessableContent, slug: "import-unreadable", title: "File cannot be imported", detail: description)
        }
    }
}
