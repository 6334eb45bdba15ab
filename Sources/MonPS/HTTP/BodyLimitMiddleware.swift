import HTTPTypes
import Hummingbird

/// Refuses bodies over the configured size with 413 before any handler buffers them: by the declared
/// `Content-Length` when there is one, otherwise while collecting a chunked body.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maxBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else { throw APIError.badRequest("invalid Content-Length") }
            guard length <= maxBytes else { throw APIError.payloadTooLarge(limit: maxBytes) }
            return try await next(request, context)
        }
        guard request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.payloadTooLarge(limit: maxBytes)
        }
        return try await next(request, context)
    }
}
