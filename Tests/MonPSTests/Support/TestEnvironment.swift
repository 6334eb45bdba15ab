import Foundation
import Logging
@testable import MonPS

/// Where the integration tests find their PostgreSQL and Redis: `deploy/test.sh` starts throwaway ones and
/// exports these variables; the defaults are the ports that script uses.
enum TestEnvironment {
    static var adminDatabaseURL: DatabaseURL {
        let raw = ProcessInfo.processInfo.environment["MONPS_TEST_DATABASE_URL"]
            ?? "postgres://monps:monps@127.0.0.1:55433/postgres"
        do {
            return try DatabaseURL(parsing: raw)
        } catch {
            fatalError("MONPS_TEST_DATABASE_URL is invalid: \(error)")
        }
    }

    static var redisURL: String {
        ProcessInfo.processInfo.environment["MONPS_TEST_REDIS_URL"] ?? "redis://127.0.0.1:56380/0"
    }

    static let jwtSecret = "test-secret-0123456789abcdef0123456789abcdef"

    static var logger: Logger {
        var logger = Logger(label: "monps-test")
        logger.logLevel = ProcessInfo.processInfo.environment["MONPS_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }

    /// The repository root, for tests that compare against committed files.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A valid configuration for `database`, with optional environment overrides.
    static func config(database: DatabaseURL, overrides: [String: String] = [:]) throws -> AppConfig {
        var environment = [
            "DATABASE_URL": "postgres://\(database.username):\(database.password ?? "")@\(database.host):\(database.port)/\(database.database)",
            "REDIS_URL": redisURL,
            "MONPS_JWT_SECRETS": jwtSecret,
            "MONPS_PORT": "8080",
            // Tests run jobs explicitly; no scheduler racing them.
            "MONPS_JOBS": "false",
            // Revocations must show at once in the identity tests; the active-account cache has its own tests.
            "MONPS_AUTH_CACHE_SECONDS": "0",
            // Opening a connection can take seconds while the whole parallel suite runs on two cores; the 1 s
            // production deadline has tests of its own.
            "MONPS_DB_LEASE_TIMEOUT_MS": "60000",
        ]
        environment.merge(overrides) { $1 }
        return try AppConfig.load(environment: environment, requiring: .server)
    }
}
