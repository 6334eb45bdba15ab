import Foundation
import Hummingbird

/// Who wrote recently, across instances (Redis): their reads go to the primary for `window`, so nobody misses their
/// own bet on a replica that has not replayed it yet. A Redis failure counts as "wrote recently" (the primary is
/// always right, only busier).
struct RecentWriters: Sendable {
    let redis: RedisClient
    let window: Duration

    private func key(_ user: UUID) -> String { "ryw:\(user.uuidString.lowercased())" }

    func record(_ user: UUID) async {
        try? await redis.set(key(user), value: "1", ttl: window)
    }

    func wroteRecently(_ user: UUID) async -> Bool {
        do {
            return try await redis.get(key(user)) != nil
        } catch {
            return true
        }
    }
}

/// Lets the read-only requests of callers who did not write recently be answered by the read replica
/// (`ReadRouting.permission`, decided when a statement would first go there), and remembers who writes. After authentication (it needs the principal).
/// Without a replica configured it does nothing.
struct ReadRoutingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let writers: RecentWriters?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let writers else { return try await next(request, context) }
        let user = RequestScope.current?.principal?.userID
        guard request.method == .get || request.method == .head else {
            let response = try await next(request, context)
            // A refused request changed nothing; a successful one (or a 5xx that may have) starts the window.
            if let user, !(400..<500).contains(response.status.code) { await writers.record(user) }
            return response
        }
        let permission = ReplicaPermission { if let user { await !writers.wroteRecently(user) } else { true } }
        return try await ReadRouting.$permission.withValue(permission) { try await next(request, context) }
    }
}
