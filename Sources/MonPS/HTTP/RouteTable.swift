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

    func allowedMethods(forPath path: String) -> [HTTPRequest.Method] {
        let requested = path.split(separator: "/")
        let matches = routes.withLock { routes in
            routes.filter { route in
                route.segments.count == requested.count
                    && zip(route.segments, requested).allSatisfy { pattern, actual in
                        (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern.hasPrefix(":") || pattern == actual
                    }
            }.map(\.method)
        }
        var methods = Set(matches.map(\.rawValue))
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
