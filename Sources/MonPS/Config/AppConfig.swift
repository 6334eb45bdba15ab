import Foundation
import Logging

/// Everything `monps` needs to run, read from the environment (and overridden by command-line flags),
/// validated once at start so a bad setting is reported by name before anything listens or connects.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseURL
    /// A streaming replica for the read-only endpoints (`DATABASE_READ_URL`); nil: everything reads the primary.
    public var readDatabase: DatabaseURL?
    /// Seconds a caller's reads stay on the primary after they wrote (`MONPS_READ_YOUR_WRITES_SECONDS`).
    public var readYourWritesSeconds = 5
    public var redisURL: String
    /// HS256 secrets; the first one signs, all of them verify (rotation without logging everyone out).
    public var jwtSecrets: [String]
    public var logLevel: Logger.Level
    /// Requests with a larger body are refused with 413.
    public var maxBodyBytes: Int
    public var databasePoolSize: Int
    /// How long a statement waits for a pooled PostgreSQL connection before the request gets a 503.
    public var databaseLeaseTimeout: Duration = .seconds(1)
    /// How long a read waits for a replica connection before it falls back to the primary
    /// (`MONPS_DB_READ_LEASE_TIMEOUT_MS`; nil: `databaseLeaseTimeout`).
    public var readDatabaseLeaseTimeout: Duration?
    /// How long a graceful shutdown may drain before what remains is cancelled and the process exits 1.
    public var shutdownTimeout: Duration = .seconds(15)
    public var redisPoolSize: Int
    /// Apply pending migrations at start instead of refusing to serve.
    public var autoMigrate: Bool
    /// Optional 32-byte key (64 hex characters) encrypting secrets at rest.
    public var dataKeyHex: String?
    /// Where `monps import`/benchmarks look for historical files by default.
    public var dataDirectory: String?
    /// Whether `POST /v1/auth/register` accepts new accounts (403 when closed).
    public var registrationOpen: Bool = true
    /// Rate-limit policy overrides as JSON (see `RateLimitPolicies.init(json:)`), validated at start.
    public var rateLimitOverrides: String?
    /// Whether busy clients take rate-limit permits from Redis in blocks (`PermitBlocks`); off, Redis decides
    /// every request.
    public var rateLimitBlocks = true
    /// Whether cacheable shared GET responses are served from and stored in Redis (`PublicCacheMiddleware`);
    /// off, every request runs its handler (for measuring the uncached path, or a Redis kept for limits only).
    public var responseCacheEnabled = true
    /// Megabytes of shared cache entries each server process keeps in memory (`NearCache`), kept coherent by
    /// Redis invalidation messages. 0: every hit is read from Redis.
    public var responseCacheLocalMegabytes = 64
    /// Seconds an account read to authenticate access tokens is reused (`ActiveAccountCache`; the JWT's time window is checked every time):
    /// the bound within which suspensions, role changes and session revocations reach requests. 0: off.
    public var authCacheSeconds = 2
    /// Refused bearer credentials (401s) from one client address before its unverified credentials wait
    /// (`LoginThrottlePolicy.credentialThreshold`).
    public var refusedCredentialLimit = 30
    /// Reverse proxies whose `X-Forwarded-For` names the client (`MONPS_TRUSTED_PROXIES`); none by default.
    public var trustedProxies = TrustedProxies.none
    /// Whether `serve` runs the background jobs (a `monps worker` can run them instead).
    public var jobsEnabled = true
    /// The Odds API v4: key (collection jobs are skipped without one), base URL, regions, credits kept back.
    public var oddsAPIKey: String?
    public var oddsAPIBaseURL = "https://api.the-odds-api.com"
    public var oddsAPIRegions = ["uk", "eu", "us"]
    public var oddsAPIReserveCredits = 25
    public var oddsInterval: Duration = .seconds(900)
    public var scoresInterval: Duration = .seconds(3600)
    public var closingInterval: Duration = .seconds(300)
    /// Twice a day by default; scores collection also triggers a run when results arrive.
    public var settlementInterval: Duration = .seconds(12 * 3600)
    /// Four times a day by default; the closing job triggers a run after kick-offs.
    public var clvInterval: Duration = .seconds(6 * 3600)
    /// Bets on a cancelled or postponed event are void this long after its scheduled start (unless it is played).
    public var voidDelayHours = 48
    /// The detection agents' and the consensus's thresholds (`MONPS_DETECTION`).
    var detection = DetectionSettings()
    /// CORS, transport-security headers, connection timeouts and `/metrics` access.
    public var edge = HTTPEdgeSettings()
    /// Outgoing mail (SMTP), the public URL its links use, and whether new accounts verify their address.
    public var mail = MailSettings()

    /// Where users reach the web app: `MONPS_PUBLIC_URL`, else this server's own address.
    public var publicURL: String { mail.publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    /// The notification delivery worker and the webhook address checks.
    public var delivery = WebhookDeliverySettings()

    /// Whether this process runs the notification delivery worker (`MONPS_DELIVERY`, else `MONPS_JOBS`).
    public var deliveryEnabled: Bool { delivery.enabled ?? jobsEnabled }
    /// Heartbeats, backstop poll and per-connection bounds of the live notification stream.
    public var stream = StreamSettings()

    public init(
        host: String = "127.0.0.1", port: Int = 8080, database: DatabaseURL, redisURL: String,
        jwtSecrets: [String], logLevel: Logger.Level = .info, maxBodyBytes: Int = 1 << 20,
        databasePoolSize: Int = 20, redisPoolSize: Int = 8, autoMigrate: Bool = false,
        dataKeyHex: String? = nil, dataDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.redisURL = redisURL
        self.jwtSecrets = jwtSecrets
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.databasePoolSize = databasePoolSize
        self.redisPoolSize = redisPoolSize
        self.autoMigrate = autoMigrate
        self.dataKeyHex = dataKeyHex
        self.dataDirectory = dataDirectory
    }

    /// The settings, their defaults and meaning; the README's configuration table is written from this.
    public static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        ("DATABASE_URL", "(required)", "postgres://user:password@host:port/database[?sslmode=disable|prefer|require]"),
        ("DATABASE_READ_URL", "(unset)", "A streaming replica of DATABASE_URL: the read-only endpoints (lists and details of events, opportunities, bankrolls, bets; analytics, exports, history) read from it (the caller's reads stay on the primary for MONPS_READ_YOUR_WRITES_SECONDS after a write; the primary answers while the replica is down)"),
        ("MONPS_DB_READ_LEASE_TIMEOUT_MS", "(MONPS_DB_LEASE_TIMEOUT_MS)", "Milliseconds a read waits for a replica connection before it falls back to the primary; shorter than the primary's lets a dying replica cost less"),
        ("MONPS_READ_YOUR_WRITES_SECONDS", "5", "Seconds after a write during which the writer's reads go to the primary, not the replica (1–3600)"),
        ("REDIS_URL", "(required)", "redis://[:password@]host:port[/db]"),
        ("MONPS_HOST", "127.0.0.1", "Address the HTTP server binds to"),
        ("MONPS_PORT", "8080", "HTTP port (1–65535)"),
        ("MONPS_JWT_SECRETS", "(required for serve)", "Comma-separated HS256 secrets, each ≥ 32 characters; the first signs"),
        ("MONPS_LOG_LEVEL", "info", "trace, debug, info, notice, warning, error, critical"),
        ("MONPS_MAX_BODY_BYTES", "1048576", "Largest accepted request body; larger is a 413"),
        ("MONPS_DB_POOL_SIZE", "20", "Maximum PostgreSQL connections"),
        ("MONPS_DB_LEASE_TIMEOUT_MS", "1000", "Milliseconds a request waits for a PostgreSQL connection before it is answered 503 (database unavailable or pool exhausted); CLI batch commands default to 600000"),
        ("MONPS_REDIS_POOL_SIZE", "8", "Maximum Redis connections"),
        ("MONPS_SHUTDOWN_TIMEOUT", "15", "Seconds a graceful shutdown (SIGTERM) may drain; then what remains is cancelled, logged, and the process exits 1"),
        ("MONPS_AUTO_MIGRATE", "false", "Apply pending migrations when `serve` starts"),
        ("MONPS_DATA_KEY", "(unset)", "64 hex characters: key encrypting secrets at rest"),
        ("MONPS_DATA_DIR", "(unset)", "Folder of historical data files (football/, tennis/, …)"),
        ("MONPS_REGISTRATION_OPEN", "true", "Whether anyone may register an account"),
        ("MONPS_RATE_LIMITS", "(built-in)", "JSON overrides of rate-limit policies, e.g. {\"auth\":{\"*\":{\"limit\":10,\"window\":60}}}"),
        ("MONPS_RATE_LIMIT_BLOCKS", "true", "Busy clients take rate-limit permits from Redis in blocks spent in process (never more than the limit; false: one Redis decision per request)"),
        ("MONPS_RESPONSE_CACHE", "true", "Serve cacheable shared GET responses from Redis (false: every request runs its handler; ETags stay)"),
        ("MONPS_RESPONSE_CACHE_LOCAL_MB", "64", "Megabytes of shared cache entries kept in process memory, invalidated through Redis pub/sub (0 = every hit reads Redis)"),
        ("MONPS_REFUSED_CREDENTIAL_LIMIT", "30", "Refused bearer credentials (401s) from one client address before its API tokens and unverifiable JWTs get 429 for 30 s, doubling up to 15 min (contract fuzzing raises it)"),
        ("MONPS_AUTH_CACHE_SECONDS", "2", "Seconds an account read while authenticating access tokens is reused (account changes take effect within this; the token's expiry is checked every time, its signature once); 0 = off"),
        ("MONPS_TRUSTED_PROXIES", "(none)", "Comma-separated addresses or CIDR blocks of reverse proxies (e.g. 127.0.0.1/32,10.0.0.0/8) whose X-Forwarded-For names the client, for rate limits, login throttling and audit; the rightmost untrusted hop is the client. Unset: the TCP peer, headers ignored"),
        ("MONPS_JOBS", "true", "Run the background jobs inside `serve` (false when a `monps worker` runs them)"),
        ("MONPS_ODDS_API_KEY", "(unset)", "The Odds API v4 key; without it odds and scores collection are skipped"),
        ("MONPS_ODDS_API_URL", "https://api.the-odds-api.com", "Base URL of The Odds API"),
        ("MONPS_ODDS_API_REGIONS", "uk,eu,us", "Bookmaker regions to collect"),
        ("MONPS_ODDS_API_RESERVE", "25", "Credits never spent (collection stops at this many remaining)"),
        ("MONPS_ODDS_INTERVAL", "900", "Seconds between odds collections"),
        ("MONPS_SCORES_INTERVAL", "3600", "Seconds between scores collections"),
        ("MONPS_CLOSING_INTERVAL", "300", "Seconds between closing-line marking runs"),
        ("MONPS_SETTLEMENT_INTERVAL", "43200", "Seconds between bet settlement runs (also run after new results)"),
        ("MONPS_CLV_INTERVAL", "21600", "Seconds between closing-line-value runs (also run after closing lines are marked)"),
        ("MONPS_VOID_DELAY_HOURS", "48", "Hours after the scheduled start at which bets on a cancelled/postponed event are void"),
        ("MONPS_DETECTION", "(built-in)", "JSON thresholds of the agents and verdicts, e.g. {\"alpha\":0.05,\"min_bookmakers\":4,\"sharp_edge\":0.02,\"analyze_threshold\":60}"),
    ] + HTTPEdgeSettings.documentation + MailSettings.documentation + WebhookDeliverySettings.documentation
        + StreamSettings.documentation
}

/// A configuration problem, always naming the setting at fault. Secrets are never echoed back.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var setting: String
    public var reason: String
    public var description: String { "invalid configuration: \(setting): \(reason)" }

    public init(_ setting: String, _ reason: String) {
        self.setting = setting
        self.reason = reason
    }
}

extension AppConfig {
    /// Which settings a command needs; `migrate` needs no HTTP or JWT settings.
    public struct Requirements: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let database = Requirements(rawValue: 1)
        public static let redis = Requirements(rawValue: 2)
        public static let jwt = Requirements(rawValue: 4)
        public static let server: Requirements = [.database, .redis, .jwt]
    }

    /// Reads and validates the configuration. `overrides` (from command-line flags) win over `environment`.
    public static func load(
        environment: [String: String], overrides: [String: String] = [:], requiring requirements: Requirements
    ) throws(ConfigError) -> AppConfig {
        let env = environment.merging(overrides) { _, flag in flag }
        let reader = ConfigReader(environment: env)
        func value(_ name: String) -> String? { reader.value(name) }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
            try reader.integer(name, default: fallback, range: range)
        }
        func boolean(_ name: String, default fallback: Bool = false) throws(ConfigError) -> Bool {
            guard let raw = value(name)?.lowercased() else { return fallback }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigError(name, "expected true or false, got \"\(raw)\"")
            }
        }

        let database: DatabaseURL
        if let raw = value("DATABASE_URL") {
            database = try DatabaseURL(parsing: raw)
        } else if requirements.contains(.database) {
            throw ConfigError("DATABASE_URL", "is required (postgres://user:password@host:port/database)")
        } else {
            database = DatabaseURL(host: "127.0.0.1", port: 5432, username: "monps", password: nil, database: "monps")
        }

        var readDatabase: DatabaseURL?
        if let raw = value("DATABASE_READ_URL") {
            do { readDatabase = try DatabaseURL(parsing: raw) } catch { throw ConfigError("DATABASE_READ_URL", error.reason) }
        }

        let redisURL = value("REDIS_URL") ?? ""
        if requirements.contains(.redis) {
            guard !redisURL.isEmpty else { throw ConfigError("REDIS_URL", "is required (redis://host:port/db)") }
            guard let components = URLComponents(string: redisURL), components.scheme == "redis",
                components.host?.isEmpty == false
            else { throw ConfigError("REDIS_URL", "expected redis://[:password@]host:port[/db]") }
        }

        let secrets = (value("MONPS_JWT_SECRETS") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if requirements.contains(.jwt) {
            guard !secrets.isEmpty else {
                throw ConfigError("MONPS_JWT_SECRETS", "is required: one or more comma-separated secrets of ≥ 32 characters")
            }
            if let index = secrets.firstIndex(where: { $0.utf8.count < 32 }) {
                throw ConfigError("MONPS_JWT_SECRETS", "secret #\(index + 1) is shorter than 32 characters")
            }
        }

        let levelName = value("MONPS_LOG_LEVEL")?.lowercased() ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ConfigError("MONPS_LOG_LEVEL", "expected one of trace, debug, info, notice, warning, error, critical, got \"\(levelName)\"")
        }

        let dataKey = value("MONPS_DATA_KEY")
        if let dataKey, dataKey.count != 64 || !dataKey.allSatisfy(\.isHexDigit) {
            throw ConfigError("MONPS_DATA_KEY", "expected 64 hexadecimal characters (32 bytes)")
        }

        let host = value("MONPS_HOST") ?? "127.0.0.1"
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw ConfigError("MONPS_HOST", "expected a host name or IP address, got \"\(host)\"")
        }

        var config = AppConfig(
            host: host,
            port: try integer("MONPS_PORT", default: 8080, range: 1...65535),
            database: database,
            redisURL: redisURL,
            jwtSecrets: secrets,
            logLevel: level,
            maxBodyBytes: try integer("MONPS_MAX_BODY_BYTES", default: 1 << 20, range: 1024...(512 << 20)),
            databasePoolSize: try integer("MONPS_DB_POOL_SIZE", default: 20, range: 1...500),
            redisPoolSize: try integer("MONPS_REDIS_POOL_SIZE", default: 8, range: 1...256),
            autoMigrate: try boolean("MONPS_AUTO_MIGRATE"),
            dataKeyHex: dataKey,
            dataDirectory: value("MONPS_DATA_DIR")
        )
        // Serving fails fast (a 503 a client retries); the CLI's batch commands (import, backtest, …) may wait out a
        // busy pool of their own making.
        let leaseDefault = requirements.contains(.jwt) ? 1000 : 600_000
        config.databaseLeaseTimeout = .milliseconds(
            try integer("MONPS_DB_LEASE_TIMEOUT_MS", default: leaseDefault, range: 10...600_000))
        config.shutdownTimeout = .seconds(try integer("MONPS_SHUTDOWN_TIMEOUT", default: 15, range: 1...3600))
        config.registrationOpen = try boolean("MONPS_REGISTRATION_OPEN", default: true)
        config.jobsEnabled = try boolean("MONPS_JOBS", default: true)
        config.readDatabase = readDatabase
        if value("MONPS_DB_READ_LEASE_TIMEOUT_MS") != nil {
            config.readDatabaseLeaseTimeout = .milliseconds(
                try integer("MONPS_DB_READ_LEASE_TIMEOUT_MS", default: leaseDefault, range: 10...600_000))
        }
        config.readYourWritesSeconds = try integer("MONPS_READ_YOUR_WRITES_SECONDS", default: 5, range: 1...3600)
        if let proxies = value("MONPS_TRUSTED_PROXIES") {
            switch TrustedProxies.parse(proxies) {
            case .success(let parsed): config.trustedProxies = parsed
            case .failure(let bad):
                throw ConfigError("MONPS_TRUSTED_PROXIES", "expected IP addresses or CIDR blocks, got \"\(bad.text)\"")
            }
        }
        config.responseCacheEnabled = try boolean("MONPS_RESPONSE_CACHE", default: true)
        config.responseCacheLocalMegabytes = try integer("MONPS_RESPONSE_CACHE_LOCAL_MB", default: 64, range: 0...4096)
        config.authCacheSeconds = try integer("MONPS_AUTH_CACHE_SECONDS", default: 2, range: 0...60)
        config.refusedCredentialLimit = try integer(
            "MONPS_REFUSED_CREDENTIAL_LIMIT", default: 30, range: 1...100_000_000)
        config.oddsAPIKey = value("MONPS_ODDS_API_KEY")
        if let url = value("MONPS_ODDS_API_URL") {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""),
                  components.host?.isEmpty == false else {
                throw ConfigError("MONPS_ODDS_API_URL", "expected an http(s) URL, got \"\(url)\"")
            }
            config.oddsAPIBaseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let regions = value("MONPS_ODDS_API_REGIONS") {
            let list = regions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard !list.isEmpty, list.allSatisfy({ ["uk", "eu", "us", "us2", "au"].contains($0) }) else {
                throw ConfigError("MONPS_ODDS_API_REGIONS", "expected a comma-separated list of uk, eu, us, us2, au")
            }
            config.oddsAPIRegions = list
        }
        config.oddsAPIReserveCredits = try integer("MONPS_ODDS_API_RESERVE", default: 25, range: 0...1_000_000)
        config.oddsInterval = .seconds(try integer("MONPS_ODDS_INTERVAL", default: 900, range: 60...86_400))
        config.scoresInterval = .seconds(try integer("MONPS_SCORES_INTERVAL", default: 3600, range: 60...86_400))
        config.closingInterval = .seconds(try integer("MONPS_CLOSING_INTERVAL", default: 300, range: 10...86_400))
        config.settlementInterval = .seconds(try integer("MONPS_SETTLEMENT_INTERVAL", default: 43_200, range: 60...604_800))
        config.clvInterval = .seconds(try integer("MONPS_CLV_INTERVAL", default: 21_600, range: 60...604_800))
        config.voidDelayHours = try integer("MONPS_VOID_DELAY_HOURS", default: 48, range: 0...8760)
        if let detection = value("MONPS_DETECTION") { config.detection = try DetectionSettings(json: detection) }
        config.rateLimitBlocks = try boolean("MONPS_RATE_LIMIT_BLOCKS", default: true)
        if let overrides = value("MONPS_RATE_LIMITS") {
            do {
                _ = try RateLimitPolicies(json: Data(overrides.utf8))
            } catch {
                throw ConfigError("MONPS_RATE_LIMITS", error.description)
            }
            config.rateLimitOverrides = overrides
        }
        config.edge = try HTTPEdgeSettings(reading: reader)
        config.mail = try MailSettings(reading: reader)
        config.delivery = try WebhookDeliverySettings(reading: reader)
        config.stream = try StreamSettings(reading: reader)
        return config
    }
}
