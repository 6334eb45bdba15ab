import ArgumentParser
import Foundation
import Logging
import MonPS

@main
struct MonPSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monps",
        abstract: "MonPS — sports-betting value analytics server.",
        version: MonPSVersion.current,
        subcommands: [
            Serve.self, Worker.self, Migrate.self, Import.self, Demo.self, Users.self, Calc.self, Backtest.self, Detect.self,
            Relist.self,
        ]
    )
}

/// Flags shared by every command that talks to the database; they override the environment.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (overrides DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .customLong("redis-url"), help: "Redis URL (overrides REDIS_URL).")
    var redisURL: String?

    @Option(name: .customLong("log-level"), help: "Log level (overrides MONPS_LOG_LEVEL).")
    var logLevel: String?

    var overrides: [String: String] {
        var values: [String: String] = [:]
        values["DATABASE_URL"] = databaseURL
        values["REDIS_URL"] = redisURL
        values["MONPS_LOG_LEVEL"] = logLevel
        return values
    }

    /// Loads and validates the configuration; a bad setting ends the command with its name and reason.
    func load(requiring requirements: AppConfig.Requirements, extra: [String: String] = [:]) throws -> (AppConfig, Logger) {
        let config: AppConfig
        do {
            config = try AppConfig.load(
                environment: ProcessInfo.processInfo.environment, overrides: overrides.merging(extra) { $1 },
                requiring: requirements)
        } catch {
            throw ValidationError(error.description)
        }
        let level = config.logLevel
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: level) }
        return (config, Logger(label: "monps"))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API server.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Address to bind (overrides MONPS_HOST).")
    var host: String?

    @Option(help: "Port to listen on (overrides MONPS_PORT).")
    var port: Int?

    @Flag(help: "Apply pending migrations before serving instead of refusing to start.")
    var migrate = false

    func run() async throws {
        var extra: [String: String] = [:]
        extra["MONPS_HOST"] = host
        extra["MONPS_PORT"] = port.map(String.init)
        if migrate { extra["MONPS_AUTO_MIGRATE"] = "true" }
        let (config, logger) = try connection.load(requiring: .server, extra: extra)
        try await MonPSCommands.serve(config: config, logger: logger)
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the background jobs (odds and scores collection, closing lines, partitions) without the HTTP server.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (config, logger) = try connection.load(requiring: [.database, .redis])
        try await MonPSCommands.worker(config: config, logger: logger)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, in order.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "List applied and pending migrations without applying anything.")
    var status = false

    func run() async throws {
        let (config, logger) = try connection.load(requiring: .database)
        print(try await MonPSCommands.migrate(config: config, logger: logger, statusOnly: status))
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Demo data for the quick start.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load the deterministic demo data (idempotent).")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let (config, logger) = try connection.load(requiring: .database)
            print(try await MonPSCommands.seedDemo(config: config, logger: logger))
        }
    }
}
