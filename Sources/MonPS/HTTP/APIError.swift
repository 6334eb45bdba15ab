import HTTPTypes

/// An error the API reports to its caller as an RFC 9457 problem document.
/// Handlers and repositories throw these (or domain errors that `ProblemMapper` translates); nothing else
/// decides what a client sees.
public struct APIError: Error, Sendable, Equatable {
    public struct FieldIssue: Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: HTTPResponse.Status
    /// Short slug of the problem type; the `type` URI is `https://monps.dev/problems/<slug>`.
    public var slug: String
    public var title: String
    public var detail: String?
    public var fieldIssues: [FieldIssue]
    public var headers: HTTPFields

    public init(
        status: HTTPResponse.Status, slug: String, title: String, detail: String? = nil,
        fieldIssues: [FieldIssue] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.fieldIssues = fieldIssues
        self.headers = headers
    }

    public static func badRequest(_ detail: String, fieldIssues: [FieldIssue] = []) -> APIError {
        APIError(status: .badRequest, slug: "bad-request", title: "Bad request", detail: detail, fieldIssues: fieldIssues)
    }

    public static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(
            status: .badRequest, slug: "invalid-parameter", title: "Invalid parameter",
            detail: "\(name): \(message)", fieldIssues: [FieldIssue(field: name, message: message)])
    }

    /// Well-formed values the maths cannot work with, e.g. odds ≤ 1 (422 `unprocessable`).
    static func unprocessable(_ detail: String, field: String? = nil) -> APIError {
        APIError(
            status: .unprocessableContent, slug: "unprocessable", title: "Unprocessable values", detail: detail,
            fieldIssues: field.map { [FieldIssue(field: $0, message: detail)] } ?? [])
    }

    /// A well-formed request whose values do not go together (422 `validation-failed`).
    public static func validation(field: String, message: String) -> APIError {
        APIError(
            status: .unprocessableContent, slug: "validation-failed", title: "Validation failed",
            detail: "\(field): \(message)", fieldIssues: [FieldIssue(field: field, message: message)])
    }

    public static func notFound(_ detail: String) -> APIError {
        APIError(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue).sorted()
        var headers = HTTPFields()
        headers[.allow] = names.joined(separator: ", ")
        return APIError(
            status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
            detail: "\(method.rawValue) is not allowed here; allowed: \(names.joined(separator: ", "))", headers: headers)
    }

    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, slug: "payload-too-large", title: "Payload too large",
            detail: "the request body exceeds the limit of \(limit) bytes")
    }

    public static func unsupportedMediaType(_ detail: String) -> APIError {
        APIError(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type", detail: detail)
    }

    public static func conflict(_ detail: String) -> APIError {
        APIError(status: .conflict, slug: "conflict", title: "Conflict", detail: detail)
    }

    public static func serviceUnavailable(_ detail: String) -> APIError {
        APIError(status: .serviceUnavailable, slug: "service-unavailable", title: "Service unavailable", detail: detail)
    }

    public static let internalError = APIError(
        status: .internalServerError, slug: "internal-error", title: "Internal server error",
        detail: "an unexpected error occurred; quote the request_id when reporting it")
}
