import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// What the `monps` subcommands do; the executable only parses arguments and calls these.
public enum MonPSCommands {
    /// `monps serve`: runs the HTTP API until SIGTERM/SIGINT, then drains in-flight requests and closes pools.
    public static func serve(config: AppConfig, logger: Logger) async throws {
        let registry = PrometheusCollectorRegistry()
        // Libraries (PostgresNIO, Redis client, Hummingbird) report through swift-metrics into our registry.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let services = try AppServices(config: config, logger: logger, registry: registry)
        logger.info(
            "starting MonPS",
            metadata: ["version": .string(MonPSVersion.current), "database": .string(config.database.description),
                       "address": .string("\(config.host):\(config.port)")])
        let requests = InFlightRequests()
        let roster = ServiceRoster()
        let app = try buildApplication(services: services, requests: requests, roster: roster)
        let handle = CancelHandle()
        let watchdog = ShutdownWatchdog(
            timeout: config.shutdownTimeout, logger: logger, requests: requests, roster: roster, cancelRemaining: handle)
        let configuration = ServiceGroupConfiguration(
            // Last, so SIGTERM reaches it first: live streams close (1001) before the HTTP server waits on them.
            services: [
                .init(service: roster.track("http", app)), .init(service: watchdog),
                .init(service: StreamDrainService(hub: services.notifications.streams)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past the timeout the watchdog names what remains, then cancels it (requests included).
        let group = ServiceGroup(configuration: configuration)
        try await handle.run { try await group.run() }
        if watchdog.didExpire { throw ShutdownTimedOut() }
        logger.info("stopped")
    }

    /// `monps migrate [--status]`: applies pending migrations (or lists applied/pending); returns the report.
    public static func migrate(config: AppConfig, logger: Logger, statusOnly: Bool) async throws -> String {
        let resources = try CommandResources(config: config, logger: logger, responseCache: false)
        let migrator = Migrator(files: try MigrationFile.bundled(), logger: logger)
        return try await resources.run {
            if statusOnly {
                let status = try await migrator.status(resources.database.client)
                let applied = status.applied.map { "applied  \($0)" }
                let pending = status.pending.map { "pending  \($0)" }
                return (applied + pending).joined(separator: "\n")
            }
            let applied = try await migrator.migrate(resources.database.client)
            return applied.isEmpty ? "database is up to date" : applied.map { "applied \($0)" }.joined(separator: "\n")
        }
    }

    /// `monps demo seed`: loads the deterministic demo data (idempotent); returns what a new user needs to know.
    /// - Parameter now: the instant the demo's prices lead up to (generated per time step, so a later seed adds the
    ///   steps since; tests fix it).
    public static func seedDemo(
        config: AppConfig, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> String {
        let services = try AppServices(config: config, logger: logger)
        return try await services.withRunningDatabase {
            try await DemoSeeder(database: services.database, auth: services.auth, cache: services.responseCache, logger: logger, now: now).seed().summary
        }
    }

    /// `monps users create-admin`: bootstraps an administrator; without a password one is generated and
    /// returned once.
    public static func createAdmin(config: AppConfig, logger: Logger, email: String, password: String?) async throws -> String {
        let services = try AppServices(config: config, logger: logger)
        return try await services.withRunningDatabase {
            let (user, generated) = try await services.auth.admin.createAdmin(email: email, password: password)
            var lines = ["created admin \(user.email) (id \(user.id.uuidString.lowercased()))"]
            if let generated { lines.append("generated password (shown once): \(generated)") }
            return lines.joined(separator: "\n")
        }
    }
}

extension MonPSCommands {
    /// `monps worker`: the background jobs without the HTTP server (run `serve` with `MONPS_JOBS=false` beside it).
    /// Stops on SIGTERM/SIGINT after the runs in progress finish.
    public static func worker(config: AppConfig, logger: Logger) async throws {
        var config = config
        config.jobsEnabled = true
        let services = try AppServices(config: config, logger: logger)
        logger.info("starting MonPS worker", metadata: ["jobs": .string(services.jobs.order.joined(separator: ","))])
        let roster = ServiceRoster()
        let handle = CancelHandle()
        let watchdog = ShutdownWatchdog(
            timeout: config.shutdownTimeout, logger: logger, requests: InFlightRequests(), roster: roster,
            cancelRemaining: handle)
        let configuration = ServiceGroupConfiguration(
            services: services.lifecycleServices.map { .init(service: roster.track(String(describing: type(of: $0)), $0)) }
                + [.init(service: watchdog)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        let group = ServiceGroup(configuration: configuration)
        try await handle.run { try await group.run() }
        if watchdog.didExpire { throw ShutdownTimedOut() }
    }
}
