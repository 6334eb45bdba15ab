// Shared helpers of the rate-limit and cache tests: a Redis client with its own key prefix, a counting
// metrics factory (no global MetricsSystem bootstrap), and a minimal problem middleware.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metrics
import Synchronization
import Testing

@testable import MonPS

enum RLTestSupport {
    /// A client of `server` whose keys all start with a fresh prefix (so tests never see each other's keys).
    static func client(_ server: RedisServerProcess, poolSize: Int = 8) throws -> RedisClient {
        let prefix = "t-\(UUID().uuidString.prefix(8)):"
        return RedisClient(configuration: try server.redisConfiguration(poolSize: poolSize, keyPrefix: prefix))
    }

    static func bodyString(_ response: TestResponse) -> String { String(buffer: response.body) }

}

/// Counts counter increments by `label{dim=value,…}`; recorders and timers are ignored.
final class RLCountingMetrics: MetricsFactory {
    private let counts = Mutex<[String: Int64]>([:])

    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        counts.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    fileprivate func add(_ key: String, _ amount: Int64) {
        counts.withLock { $0[key, default: 0] += amount }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        RLCounter(key: Self.key(label, dimensions), owner: self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        RLIgnoredMetric()
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { RLIgnoredMetric() }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

private final class RLCounter: CounterHandler {
    let key: String
    let owner: RLCountingMetrics
    init(key: String, owner: RLCountingMetrics) {
        self.key = key
        self.owner = owner
    }
    func increment(by amount: Int64) { owner.add(key, amount) }
    func reset() {}
}

private final class RLIgnoredMetric: RecorderHandler, TimerHandler {
    func record(_ value: Int64) {}
    func record(_ value: Double) {}
    func recordNanoseconds(_ duration: Int64) {}
}

/// What `ProblemMiddleware` does with a thrown error, minus the route table (404 vs 405).
struct RLProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = ProblemMapper.map(error).error
            return ProblemDetails(mapped, instance: request.uri.path, requestID: context.requestID)
                .response(headers: mapped.headers)
        }
    }
}
