import Logging
import Prometheus

/// What a one-shot command builds: the PostgreSQL pool and, for the commands that change what cached lists show,
/// the Redis pool behind the response cache. `serve`, `worker`, `demo seed` and `users` build `AppServices`
/// (identity, JWT keys, jobs, notifications); `migrate`, `import` and `detect` need none of that.
struct CommandResources: Sendable {
    let database: Database
    /// Where cached opportunity lists are dropped after a change (no near cache: this process serves nothing).
    let responseCache: ResponseCache?
    private let redis: RedisClient?

    init(config: AppConfig, logger: Logger, responseCache: Bool) throws {
        database = AppServices.primaryDatabase(config: config, logger: logger, registry: PrometheusCollectorRegistry())
        redis = responseCache ? try AppServices.redisClient(config: config, logger: logger, keyPrefix: "monps:") : nil
        self.responseCache = redis.map { ResponseCache(redis: $0) }
    }

    /// Runs `body` with the pool running, then closes both pools.
    func run<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        defer { redis?.shutdown() }
        return try await database.whileRunning(body)
    }
}
