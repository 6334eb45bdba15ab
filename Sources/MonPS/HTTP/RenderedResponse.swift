import Hummingbird

/// Runs the rest of the chain for middleware that decorates every response: an error that knows its HTTP response
/// (a problem, the router's 404) becomes that response here, so the decoration reaches it too.
func renderedResponse(
    _ request: Request, _ context: AppRequestContext,
    _ next: (Request, AppRequestContext) async throws -> Response
) async throws -> Response {
    do {
        return try await next(request, context)
    } catch let error as any HTTPResponseError {
        return try error.response(from: request, context: context)
    }
}
