import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import Synchronization

/// The routes the generated API registered, kept so an unknown method on a known path is a 405 with
/// an `Allow` header rather than a 404 (Hummingbird's router only knows "no handler").
final class RouteTable: Sendable {
    private struct Route {
        var segments: [Substring]
        var method: HTTPRequest.Method
    }

    private let routes = Mutex<[Route]>([])

    func record(path: String, method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        routes.withLock { $0.append(Route(segments: segments, method: method)) }
    }

    /// The methods of the route the router would match for `path`. Like the router, a literal segment wins over a
    /// parameter (`/v1/bets/summary` is not `/v1/bets/{id}`), so only the most specific matching template counts;
    /// merging every template that matches advertised `DELETE` and `PATCH` on `/v1/bets/summary`.
    func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let requested = path.split(separator: "/")
        let matches = routes.withLock { routes in
            routes.compactMap { route -> (specificity: [Bool], method: HTTPRequest.Method)? in
                guard route.segments.count == requested.count else { return nil }
                var specificity: [Bool] = []
                for (pattern, actual) in zip(route.segments, requested) {
                    let isParameter = (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern.hasPrefix(":")
                    guard isParameter || pattern == actual else { return nil }
                    specificity.append(!isParameter)
                }
                return (specificity, route.method)
            }
        }
        // Literal (true) before parameter (false), segment by segment from the left.
        let moreSpecific = { (lhs: [Bool], rhs: [Bool]) in
            zip(lhs, rhs).first { $0 != $1 }.map { $0.0 } ?? false
        }
        guard let best = matches.map(\.specificity).max(by: { moreSpecific($1, $0) }) else { return [] }
        var methods = Set(matches.filter { $0.specificity == best }.map(\.method.rawValue))
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted().compactMap { HTTPRequest.Method($0) }
    }
}

/// Registers the generated handlers on the router and records each route in the table.
struct RecordingTransport: ServerTransport {
    let router: Router<AppRequestContext>
    let table: RouteTable
    /// Middleware in front of one operation only (key: `"GET /v1/opportunities"`), after the router's own.
    var operationMiddleware: [String: any RouterMiddleware<AppRequestContext>] = [:]

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        table.record(path: path, method: method)
        if let middleware = operationMiddleware["\(method.rawValue) \(path)"] {
            register(handler, method: method, path: path, behind: middleware)
        } else {
            router.register(handler, method: method, path: path)
        }
    }

    private func register<Middleware: RouterMiddleware<AppRequestContext>>(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String, behind middleware: Middleware
    ) {
        router.group().add(middleware: middleware).register(handler, method: method, path: path)
    }
}
