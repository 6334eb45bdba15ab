import HTTPTypes
import Hummingbird
import Logging

/// Turns every error thrown below it into an RFC 9457 response, tells 404 from 405 using the route table,
/// and publishes the request's scope to the handlers.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let scope = RequestScope(
            requestID: context.requestID, logger: context.logger, clientAddress: context.clientAddress,
            userAgent: request.headers[.userAgent])
        do {
            return try await RequestScope.$current.withValue(scope) {
                try await next(request, context)
            }
        } catch {
            var mapped = ProblemMapper.map(error)
            if mapped.error.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound" {
                // The router found no handler: either the path is unknown or the method is wrong for it.
                let allowed = routes.allowedMethods(forPath: request.uri.path)
                mapped.error = allowed.isEmpty
                    ? .notFound("no route for \(request.uri.path)")
                    : .methodNotAllowed(request.method, allowed: allowed)
            }
            if mapped.isServerFault {
                context.logger.error("request failed", metadata: ["error": .string(LogRedaction.describe(error))])
            } else if let unavailable = DatabaseUnavailable.classify(error) {
                context.logger.warning("database unavailable", metadata: ["reason": .string(unavailable.reason.rawValue)])
            }
            return ProblemDetails(mapped.error, instance: request.uri.path, requestID: context.requestID)
                .response(headers: mapped.error.headers)
        }
    }
}
