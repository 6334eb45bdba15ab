import Foundation
import AsyncHTTPClient
import Logging
import MonPSCore
import Prometheus
import ServiceLifecycle

/// The long-lived dependencies of one MonPS process, created from its configuration and passed down
/// through initialisers (no globals). `serve`, `worker` and the CLI commands all start from here.
public struct AppServices: Sendable {
    public let config: AppConfig
    public let logger: Logger
    public let registry: PrometheusCollectorRegistry
    public let database: Database
    /// The handle of the read-only endpoints: the primary, routing replica-allowed requests to `DATABASE_READ_URL`.
    public let readDatabase: Database
    public let redis: RedisClient
    public let auth: AuthServices
    /// Shared responses (Redis, with in-process copies kept coherent by invalidation messages).
    let responseCache: ResponseCache
    let loader: OddsLoader
    let jobs: JobRunner
    let platform: PlatformSettingsStore
    let notifications: NotificationFeature
    /// Calls to third parties (no redirects); shut down with the service group or by `withRunningDatabase`.
    let outboundHTTP: OutboundHTTPClients
    /// The process clock, given to every service, handler and job that needs the time (tests step it).
    public let now: @Sendable () -> Date

    /// - Parameters:
    ///   - redisKeyPrefix: prepended to every Redis key (tests give each suite its own).
    ///   - now: the process clock (token lifetimes, lockouts, bets, shares, jobs…); tests set it.
    public init(
        config: AppConfig, logger: Logger, registry: PrometheusCollectorRegistry = .init(), redisKeyPrefix: String = "monps:",
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        self.config = config
        self.logger = logger
        self.registry = registry
        self.now = now
        self.database = Self.primaryDatabase(config: config, logger: logger, registry: registry)
        let replica = config.readDatabase.map {
            ReadReplica(
                database: Database(
                    url: $0, poolSize: config.databasePoolSize,
                    leaseTimeout: config.readDatabaseLeaseTimeout ?? config.databaseLeaseTimeout, logger: logger,
                    registry: registry, metricsPrefix: "monps_db_replica"))
        }
        self.readDatabase = database.routingReads(to: replica)
        self.redis = try Self.redisClient(config: config, logger: logger, keyPrefix: redisKeyPrefix)
        self.auth = try AuthServices(config: config, database: database, redis: redis, logger: logger, now: now)
        self.responseCache = Self.responseCache(config: config, redis: redis, registry: registry)
        self.loader = OddsLoader(database: database, logger: logger, now: now)
        let platform = PlatformSettingsStore(config: config, database: database, rateLimits: auth.rateLimitPolicies, logger: logger)
        self.platform = platform
        let notifications = NotificationFeature(
            database: database, redis: redis, logger: logger, config: config, mailSender: auth.mailSender, now: now)
        self.notifications = notifications
        let outboundHTTP = OutboundHTTPClients(timeout: .seconds(30))
        self.outboundHTTP = outboundHTTP
        let feed = OddsFeed(
            platform: platform, database: database, loader: loader, cache: responseCache, http: outboundHTTP,
            outbox: notifications.outbox,
            creditsRemaining: registry.makeGauge(
                name: "monps_odds_api_credits_remaining", help: "Odds API credits left, as of the last collection run"),
            now: now)
        self.jobs = JobRunner(
            jobs: Self.jobs(platform: platform, feed: feed, notifications: notifications), database: database,
            outbox: notifications.outbox, logger: logger, now: now)
    }

    /// The services to run beside the HTTP server: the PostgreSQL pool, the Redis pool's lifetime and, when
    /// enabled, the job scheduler and the notification delivery worker.
    public var lifecycleServices: [any Service] {
        var services: [any Service] =
            [database.client, RedisLifetimeService(redis: redis), PlatformSettingsService(store: platform, logger: logger),
             outboundHTTP]
            + auth.lifecycleServices
        if responseCache.near != nil { services.append(NearCacheSync(cache: responseCache, logger: logger)) }
        if let replica = readDatabase.readReplica { services.append(replica.database.client) }
        if config.jobsEnabled { services.append(JobScheduler(runner: jobs, logger: logger)) }
        // The clients before the worker: services stop in reverse order, so the sends end before their clients.
        services.append(notifications.httpClients)
        if config.deliveryEnabled { services.append(notifications.worker(logger: logger)) }
        return services
    }

    /// The shared response cache; no in-process copies (nor their subscription) when shared entries are not served.
    static func responseCache(config: AppConfig, redis: RedisClient, registry: PrometheusCollectorRegistry) -> ResponseCache {
        let near =
            config.responseCacheEnabled && config.responseCacheLocalMegabytes > 0
            ? NearCache(maximumBytes: config.responseCacheLocalMegabytes << 20, metrics: NearCacheMetrics(registry: registry))
            : nil
        return ResponseCache(redis: redis, near: near)
    }

    /// Every background job of this process, with the intervals of the configuration.
    static func jobs(platform: PlatformSettingsStore, feed: OddsFeed, notifications: NotificationFeature) -> [any Job] {
        let config = platform.config, database = platform.database
        return [
            OddsCollectionJob(feed: feed),
            ScoresCollectionJob(feed: feed, interval: config.scoresInterval),
            ClosingLineJob(database: database, interval: config.closingInterval),
            BetSettlementJob(
                settlement: BetSettlement(
                    database: database, logger: feed.loader.logger,
                    rules: SettlementRules(voidDelaySeconds: Int64(config.voidDelayHours) * 3600),
                    outbox: notifications.outbox),
                schedule: { platform.settlementInterval }),
            ClosingLineValueJob(database: database, outbox: notifications.outbox, schedule: { platform.clvInterval }),
            DetectionJob(
                detector: OpportunityDetector(
                    database: database, logger: feed.loader.logger, settings: config.detection, outbox: notifications.outbox),
                cache: feed.cache),
            OpportunityGradingJob(database: database),
            BacktestJob(
                repository: BacktestRepository(database: database, outbox: notifications.outbox),
                history: StoredHistory(database: database),
                settings: config.detection),
            OddsPartitionJob(database: database),
            KickoffReminderJob(database: database, outbox: notifications.outbox),
            DailyDigestJob(database: database, outbox: notifications.outbox),
            NotificationPruneJob(log: notifications.log),
            AccountTokenPruneJob(database: database),
        ]
    }

    /// Runs `body` with the PostgreSQL pool running (for commands and tests that do not start the server), then
    /// closes the Redis pool and the outbound HTTP clients.
    public func withRunningDatabase<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        defer { redis.shutdown() }
        do {
            let result = try await database.whileRunning(body)
            await outboundHTTP.shutdown()
            return result
        } catch {
            await outboundHTTP.shutdown()
            throw error
        }
    }

    /// The primary's pool, as configured.
    static func primaryDatabase(config: AppConfig, logger: Logger, registry: PrometheusCollectorRegistry) -> Database {
        Database(
            url: config.database, poolSize: config.databasePoolSize, leaseTimeout: config.databaseLeaseTimeout, logger: logger,
            registry: registry)
    }

    /// The Redis pool, as configured; a malformed `REDIS_URL` is a configuration error.
    static func redisClient(config: AppConfig, logger: Logger, keyPrefix: String) throws(ConfigError) -> RedisClient {
        var configuration: RedisConfiguration
        do {
            configuration = try RedisConfiguration(url: config.redisURL)
        } catch {
            throw ConfigError("REDIS_URL", String(describing: error))
        }
        configuration.poolSize = config.redisPoolSize
        configuration.keyPrefix = keyPrefix
        return RedisClient(configuration: configuration, logger: logger)
    }
}

/// Closes the Redis pool when the service group shuts down.
struct RedisLifetimeService: Service {
    let redis: RedisClient

    func run() async throws {
        try? await gracefulShutdown()
        redis.shutdown()
    }
}
