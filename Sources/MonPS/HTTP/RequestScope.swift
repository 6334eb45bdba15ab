import Logging

/// What a handler may know about the request it serves. The generated OpenAPI handlers receive only
/// their typed input, so the middleware publishes this as a task-local for the duration of the request.
struct RequestScope: Sendable {
    var requestID: String
    var logger: Logger
    /// The client's address: the TCP peer's, or the one a trusted proxy forwarded (`MONPS_TRUSTED_PROXIES`).
    var clientAddress: String?
    var userAgent: String?
    /// The authenticated caller, set by `AuthenticationMiddleware` when a valid bearer credential was sent.
    var principal: Principal?

    @TaskLocal static var current: RequestScope?
}
