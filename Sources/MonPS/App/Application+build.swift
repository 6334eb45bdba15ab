import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MonPSAPI
import OpenAPIRuntime

/// Builds the MonPS HTTP application: middleware chain, generated routes, lifecycle services.
/// `checkMigrations` refuses to serve a database with pending migrations (or applies them when configured).
/// - Parameters:
///   - requests: the requests in flight, for the shutdown watchdog to name what a shutdown waits for.
///   - roster: reports which of the lifecycle services are still running.
public func buildApplication(
    services: AppServices, requests: InFlightRequests = InFlightRequests(), roster: ServiceRoster = ServiceRoster()
) throws -> some ApplicationProtocol {
    let config = services.config
    let routes = RouteTable()
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let document = try OpenAPIDocument.bundled()
    let auth = services.auth
    // First: everything after it (logs, rate limits, audit) sees the client address a trusted proxy forwarded.
    router.add(middleware: ForwardedClientMiddleware(trusted: config.trustedProxies))
    router.add(
        middleware: RequestObservationMiddleware(
            metrics: HTTPMetrics(registry: services.registry), logger: services.logger, inFlight: requests))
    router.add(middleware: SecurityHeadersMiddleware(hstsMaxAgeSeconds: config.edge.hstsMaxAgeSeconds))
    if !config.edge.corsOrigins.isEmpty {
        router.add(middleware: CORSMiddleware(allowedOrigins: Set(config.edge.corsOrigins), routes: routes))
    }
    // The web app (Public/): static files and the shell for app routes; /v1 and everything else goes on.
    router.add(middleware: WebMiddleware(assets: try WebAssets.bundled()))
    router.add(middleware: BrowserSessionMiddleware())  // the refresh cookie, for the auth handlers' cookie mode
    // Before problems and authentication, so every response (401s included) is counted and carries the headers.
    router.add(
        middleware: RateLimitMiddleware(
            limiter: auth.rateLimiter, policies: auth.rateLimitPolicies, refusedCredentials: auth.loginThrottle
        ) { request, context in
            let (subject, verified) = auth.rateLimitSubject(
                authorization: request.headers[.authorization], clientAddress: context.clientAddress)
            context.verifiedAccessToken = verified
            return subject
        })
    router.add(middleware: ProblemMiddleware(routes: routes))
    router.add(
        middleware: MetricsAccessMiddleware(
            token: config.edge.metricsToken, servedElsewhere: config.edge.metricsListener != nil))
    router.add(middleware: BodyLimitMiddleware(maxBytes: config.maxBodyBytes))
    router.add(
        middleware: AuthenticationMiddleware(
            identity: auth.identity, policies: try AccessPolicyTable(document: document)))
    // After authentication (it needs the caller): which requests may read from the replica, and who just wrote.
    router.add(
        middleware: ReadRoutingMiddleware(
            writers: services.readDatabase.readReplica.map { _ in
                RecentWriters(redis: services.redis, window: .seconds(config.readYourWritesSeconds))
            }))
    // After authentication (anonymous callers learn nothing about protected inputs), before the cache and handlers.
    router.add(middleware: ContractValidationMiddleware(contracts: try ContractTable(document: document), maxBodyBytes: config.maxBodyBytes))
    let analytics = AnalyticsFeature(services: services)
    let cachePolicies = try CachePolicyTable(document: document)
    router.add(middleware: analytics.middleware)  // after authentication: counts requests per caller
    router.add(
        middleware: PublicCacheMiddleware(
            cache: services.responseCache, sharesEntries: config.responseCacheEnabled, logger: services.logger,
            cacheability: { cachePolicies.policy(forPath: $0.uri.path) }))

    // `readDatabase` answers the GETs of callers who did not write recently from the replica (DATABASE_READ_URL; the
    // primary without one). These repositories write only in POST/PATCH/DELETE handlers, which always use the primary.
    let sports = PostgresSportsRepository(database: services.readDatabase)
    let events = PostgresEventRepository(database: services.readDatabase)
    let bankrolls = PostgresBankrollRepository(database: services.readDatabase, audit: auth.admin.audit)
    let userSettings = PostgresSettingsRepository(database: services.database)
    let opportunities = PostgresOpportunityRepository(database: services.readDatabase)
    let followUp = LoadFollowUp(cache: services.responseCache, jobs: services.jobs)
    let handler = APIHandler(
        sports: SportService(repository: sports),
        events: EventService(repository: events, now: services.now),
        bankrolls: BankrollService(repository: bankrolls),
        userSettings: SettingsService(repository: userSettings, bankrolls: bankrolls),
        bets: BetService(
            repository: PostgresBetRepository(database: services.readDatabase, audit: auth.admin.audit),
            bankrolls: bankrolls, settings: userSettings, events: events, sports: sports, opportunities: opportunities,
            now: services.now),
        manualSettlement: ManualSettlement(
            settlement: BetSettlement(
                database: services.database, logger: services.logger, outbox: services.notifications.outbox),
            audit: auth.admin.audit),
        imports: ImportService(
            importer: HistoricalImporter(loader: services.loader), audit: auth.admin.audit, followUp: followUp),
        oddsFeed: OddsFeedService(loader: services.loader, followUp: followUp),
        jobs: services.jobs,
        platform: services.platform,
        opportunityService: OpportunityService(
            opportunities: opportunities, agentRecords: AgentRecordsRepository(database: services.database),
            cache: services.responseCache, audit: auth.admin.audit, now: services.now),
        shares: ShareService(repository: PostgresShareRepository(database: services.database, audit: auth.admin.audit)),
        backtests: BacktestService(repository: BacktestRepository(database: services.database), jobs: services.jobs),
        auth: auth,
        readiness: ReadinessProbe(database: services.database, redis: services.redis, timeout: services.database.leaseTimeout),
        registry: services.registry,
        document: document,
        analytics: analytics,
        notifications: services.notifications,
        now: services.now
    )
    try handler.registerHandlers(
        on: RecordingTransport(
            router: router, table: routes,
            operationMiddleware: ["GET /v1/opportunities": OpportunityListingMiddleware(repository: opportunities)]
                .merging(analytics.operationMiddleware) { $1 }),
        configuration: APIJSON.configuration)

    let bodyTimeout = config.edge.requestBodyTimeout
    var lifecycleServices = services.lifecycleServices
    if let listener = config.edge.metricsListener {
        lifecycleServices.append(MetricsListenerApp.build(listener, registry: services.registry, logger: services.logger))
    }
    let notifications = services.notifications
    lifecycleServices.append(notifications.streams)  // the live stream's Redis subscription and backstop poll
    // `GET /v1/stream` upgrades are decided before the router (which answers whatever is refused).
    let streamGate = StreamGate(
        identity: auth.identity,
        rule: try AccessPolicyTable(document: document).rule(method: "GET", routePath: StreamGate.path),
        tickets: notifications.tickets, hub: notifications.streams, log: notifications.log,
        preferences: notifications.preferences, trustedProxies: config.trustedProxies, now: services.now)
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestBodyDeadlineHandler(timeout: bodyTimeout)],
        idleTimeout: .nanoseconds(Int64(config.edge.idleTimeout.nanoseconds)))
    var app = Application(
        router: router,
        server: HTTPServerBuilder { responder in
            StreamUpgradeChannel(responder: responder, http1: http1, decide: streamGate.decide)
        },
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "MonPS"),
        services: lifecycleServices.map { roster.track(String(describing: type(of: $0)), $0) },
        logger: services.logger
    )
    app.beforeServerStarts {
        let migrator = Migrator(files: try MigrationFile.bundled(), logger: services.logger)
        try await services.database.atStartUp { connection in
            if config.autoMigrate {
                try await migrator.migrate(on: connection.underlying)
            } else {
                let status = try await migrator.status(on: connection.underlying)
                guard status.pending.isEmpty else { throw MigrationError.pending(status.pending) }
            }
        }
    }
    return app
}
