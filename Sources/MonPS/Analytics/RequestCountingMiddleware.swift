import Hummingbird

/// Counts each request once authentication has run (so the caller is known), whatever the answer.
struct RequestCountingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let counter: RequestCounter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal: String
        switch RequestScope.current?.principal {
        case .none: principal = "anonymous"
        case .some(let caller):
            switch caller.credential {
            case .apiToken(let id): principal = "token:\(id.uuidString.lowercased())"
            case .accessToken: principal = "user:\(caller.userID.uuidString.lowercased())"
            }
        }
        counter.record(
            principal: principal,
            routeClass: RateLimitRouteClass.classify(method: request.method.rawValue, path: request.uri.path).rawValue)
        return try await next(request, context)
    }
}
