import MonPSCore
import Testing
@testable import MonPS

@Suite("Configuration", .hangGuard)
struct ConfigTests {
    let valid = [
        "DATABASE_URL": "postgres://monps:secret@127.0.0.1:5433/monps",
        "REDIS_URL": "redis://127.0.0.1:6380/1",
        "MONPS_JWT_SECRETS": "0123456789abcdef0123456789abcdef, fedcba9876543210fedcba9876543210",
    ]

    func failure(_ environment: [String: String], requiring: AppConfig.Requirements = .server) -> ConfigError? {
        do {
            _ = try AppConfig.load(environment: environment, requiring: requiring)
            return nil
        } catch {
            return error
        }
    }

    @Test func validConfigurationIsParsed() throws {
        let config = try AppConfig.load(environment: valid, requiring: .server)
        #expect(config.database == DatabaseURL(host: "127.0.0.1", port: 5433, username: "monps", password: "secret", database: "monps"))
        #expect(config.redisURL == "redis://127.0.0.1:6380/1")
        #expect(config.jwtSecrets.count == 2)
        #expect(config.port == 8080)
        #expect(config.host == "127.0.0.1")
        #expect(config.logLevel == .info)
        #expect(config.maxBodyBytes == 1_048_576)
    }

    @Test func flagsOverrideEnvironment() throws {
        let config = try AppConfig.load(environment: valid, overrides: ["MONPS_PORT": "9090"], requiring: .server)
        #expect(config.port == 9090)
    }

    @Test(arguments: [
        ("DATABASE_URL", "", "DATABASE_URL"),
        ("DATABASE_URL", "mysql://x@h/db", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://h:5432/db", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://u@h:5432/", "DATABASE_URL"),
        ("DATABASE_URL", "postgres://u@h/db?sslmode=maybe", "DATABASE_URL"),
        ("REDIS_URL", "http://127.0.0.1", "REDIS_URL"),
        ("REDIS_URL", "", "REDIS_URL"),
        ("MONPS_PORT", "0", "MONPS_PORT"),
        ("MONPS_PORT", "http", "MONPS_PORT"),
        ("MONPS_PORT", "70000", "MONPS_PORT"),
        ("MONPS_JWT_SECRETS", "", "MONPS_JWT_SECRETS"),
        ("MONPS_JWT_SECRETS", "short", "MONPS_JWT_SECRETS"),
        ("MONPS_LOG_LEVEL", "loud", "MONPS_LOG_LEVEL"),
        ("MONPS_MAX_BODY_BYTES", "12", "MONPS_MAX_BODY_BYTES"),
        ("MONPS_AUTO_MIGRATE", "perhaps", "MONPS_AUTO_MIGRATE"),
        ("MONPS_DATA_KEY", "abc", "MONPS_DATA_KEY"),
        ("MONPS_HOST", "bad host", "MONPS_HOST"),
        ("MONPS_RATE_LIMITS", "{not json", "MONPS_RATE_LIMITS"),
        ("MONPS_RATE_LIMITS", #"{"warp":{"*":{"limit":1,"window":1}}}"#, "MONPS_RATE_LIMITS"),
        ("MONPS_REGISTRATION_OPEN", "maybe", "MONPS_REGISTRATION_OPEN"),
        ("MONPS_JOBS", "sometimes", "MONPS_JOBS"),
        ("MONPS_ODDS_API_URL", "ftp://odds", "MONPS_ODDS_API_URL"),
        ("MONPS_ODDS_API_REGIONS", "mars", "MONPS_ODDS_API_REGIONS"),
        ("MONPS_ODDS_INTERVAL", "5", "MONPS_ODDS_INTERVAL"),
        ("MONPS_SETTLEMENT_INTERVAL", "0", "MONPS_SETTLEMENT_INTERVAL"),
        ("MONPS_VOID_DELAY_HOURS", "-1", "MONPS_VOID_DELAY_HOURS"),
        ("MONPS_DETECTION", "[1]", "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"alpha":0.9}"#, "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"min_bookmakers":2.5}"#, "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"alfa":0.05}"#, "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"devig_method":"guess"}"#, "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"analyze_threshold":20,"caution_threshold":40}"#, "MONPS_DETECTION"),
        ("MONPS_DETECTION", #"{"sharp_edge":true}"#, "MONPS_DETECTION"),
        ("MONPS_RESPONSE_CACHE", "maybe", "MONPS_RESPONSE_CACHE"),
        ("MONPS_AUTH_CACHE_SECONDS", "61", "MONPS_AUTH_CACHE_SECONDS"),
    ])
    func badSettingIsNamed(name: String, value: String, expected: String) throws {
        var environment = valid
        environment[name] = value
        let error = try #require(failure(environment))
        #expect(error.setting == expected)
        #expect(error.description.hasPrefix("invalid configuration: \(expected):"))
    }

    @Test func ingestionAndSettlementSettingsAreRead() throws {
        var environment = valid
        environment["MONPS_ODDS_API_KEY"] = "k"
        environment["MONPS_ODDS_API_URL"] = "http://127.0.0.1:9/"
        environment["MONPS_ODDS_API_REGIONS"] = "uk, EU"
        environment["MONPS_ODDS_INTERVAL"] = "600"
        environment["MONPS_VOID_DELAY_HOURS"] = "24"
        environment["MONPS_JOBS"] = "false"
        let config = try AppConfig.load(environment: environment, requiring: .server)
        #expect(config.oddsAPIKey == "k")
        #expect(config.oddsAPIBaseURL == "http://127.0.0.1:9")
        #expect(config.oddsAPIRegions == ["uk", "eu"])
        #expect(config.oddsInterval == .seconds(600))
        #expect(config.voidDelayHours == 24)
        #expect(config.jobsEnabled == false)
        #expect(config.settlementInterval == .seconds(43_200))
        #expect(config.detection == DetectionSettings())
    }

    @Test func detectionThresholdsAreReadAndReachTheAgents() throws {
        var environment = valid
        environment["MONPS_DETECTION"] =
            #"{"alpha":0.03,"min_bookmakers":5,"sharp_edge":0.04,"devig_method":"shin","steam_window_minutes":60,"analyze_threshold":70}"#
        let settings = try AppConfig.load(environment: environment, requiring: .server).detection
        #expect(settings.alpha == 0.03 && settings.minBookmakers == 5 && settings.sharpEdge == 0.04)
        #expect(settings.devigMethod == .shin && settings.steamWindowMinutes == 60 && settings.steamMove == 0.03)
        #expect(settings.consensus.analyzeThreshold == 70 && settings.consensus.cautionThreshold == 30)
        let anomaly = try #require(settings.agents[.consensusAnomaly] as? ConsensusAnomalyAgent)
        #expect(anomaly.configuration.alpha == 0.03 && anomaly.configuration.minBookmakers == 5)
        let sharp = try #require(settings.agents[.sharpValue] as? SharpValueAgent)
        #expect(sharp.configuration.edgeThreshold == 0.04 && sharp.configuration.method == .shin)
        let steam = try #require(settings.agents[.steam] as? SteamAgent)
        #expect(steam.configuration.window == 3600)
    }

    @Test func responseCacheIsOnUnlessSwitchedOff() throws {
        #expect(try AppConfig.load(environment: valid, requiring: .server).responseCacheEnabled)
        var environment = valid
        environment["MONPS_RESPONSE_CACHE"] = "false"
        #expect(try AppConfig.load(environment: environment, requiring: .server).responseCacheEnabled == false)
    }

    @Test func localCacheSizeAndPermitBlocksAreRead() throws {
        let defaults = try AppConfig.load(environment: valid, requiring: .server)
        #expect(defaults.responseCacheLocalMegabytes == 64 && defaults.rateLimitBlocks)
        var environment = valid
        environment["MONPS_RESPONSE_CACHE_LOCAL_MB"] = "0"
        environment["MONPS_RATE_LIMIT_BLOCKS"] = "false"
        let changed = try AppConfig.load(environment: environment, requiring: .server)
        #expect(changed.responseCacheLocalMegabytes == 0 && changed.rateLimitBlocks == false)
        environment["MONPS_RESPONSE_CACHE_LOCAL_MB"] = "-1"
        #expect(throws: ConfigError.self) { try AppConfig.load(environment: environment, requiring: .server) }
    }

    @Test func authCacheLifetimeIsRead() throws {
        var environment = valid
        environment["MONPS_AUTH_CACHE_SECONDS"] = nil
        #expect(try AppConfig.load(environment: environment, requiring: .server).authCacheSeconds == 2)
        environment["MONPS_AUTH_CACHE_SECONDS"] = "0"
        #expect(try AppConfig.load(environment: environment, requiring: .server).authCacheSeconds == 0)
    }

    @Test func secretsNeverAppearInErrorsOrDescriptions() throws {
        var environment = valid
        environment["MONPS_JWT_SECRETS"] = "0123456789abcdef0123456789abcdef,tooshortsecret"
        let error = try #require(failure(environment))
        #expect(!error.description.contains("tooshortsecret"))
        #expect(error.description.contains("#2"))
        let config = try AppConfig.load(environment: valid, requiring: .server)
        #expect(!config.database.description.contains("secret"))
        #expect(config.database.description == "postgres://monps:***@127.0.0.1:5433/monps")
    }

    @Test func migrateNeedsOnlyTheDatabase() throws {
        let config = try AppConfig.load(environment: ["DATABASE_URL": valid["DATABASE_URL"]!], requiring: .database)
        #expect(config.jwtSecrets.isEmpty)
        #expect(failure(["REDIS_URL": "redis://h:1"], requiring: .database)?.setting == "DATABASE_URL")
    }

    @Test func databaseURLOptions() throws {
        let url = try DatabaseURL(parsing: "postgresql://a%40b:p%3Ass@db.example:6543/prod?sslmode=require")
        #expect(url.username == "a@b")
        #expect(url.password == "p:ss")
        #expect(url.port == 6543)
        #expect(url.tls == .require)
        #expect(url.with(database: "other").database == "other")
    }
}
