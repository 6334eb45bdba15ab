import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// What an admin set at run time (`platform_settings`); `nil` = as the environment configures it.
struct PlatformSettings: Sendable, Equatable {
    var oddsAPIKeySealed: String?
    var oddsAPIKeyLast4: String?
    /// Seconds between odds collections per sport key.
    var oddsIntervals: [String: Int] = [:]
    var settlementInterval: Int?
    var clvInterval: Int?
    var registrationOpen: Bool?
    /// Whether new accounts verify their address by mail before signing in.
    var emailVerification: Bool?
    /// Rate-limit overrides (the JSON of `MONPS_RATE_LIMITS`).
    var rateLimitsJSON: String?
    var updatedAt: Date?
}

/// The effective platform settings of this instance: the stored overrides over the configuration, reloaded every
/// few seconds (so every instance of a cluster follows an admin's change) and at once after a change here.
final class PlatformSettingsStore: Sendable {
    let config: AppConfig
    let database: Database
    let cipher: DataCipher?
    private let rateLimits: RateLimitPolicyStore
    private let logger: Logger
    private let state = Mutex(PlatformSettings())

    init(config: AppConfig, database: Database, rateLimits: RateLimitPolicyStore, logger: Logger) {
        self.config = config
        self.database = database
        self.rateLimits = rateLimits
        self.logger = logger
        self.cipher = config.dataKeyHex.flatMap { try? DataCipher(hexKey: $0) }
    }

    var current: PlatformSettings { state.withLock { $0 } }

    /// The Odds API key: the admin's (decrypted), else the environment's.
    var oddsAPIKey: String? {
        if let sealed = current.oddsAPIKeySealed, let cipher {
            do {
                return try cipher.decrypt(sealed, associatedData: Self.keyContext)
            } catch {
                logger.error("stored Odds API key cannot be decrypted (was MONPS_DATA_KEY changed?)")
            }
        }
        return config.oddsAPIKey
    }

    var registrationOpen: Bool { current.registrationOpen ?? config.registrationOpen }
    var emailVerificationRequired: Bool { current.emailVerification ?? config.mail.emailVerification }
    var settlementInterval: Duration { current.settlementInterval.map { .seconds($0) } ?? config.settlementInterval }
    var clvInterval: Duration { current.clvInterval.map { .seconds($0) } ?? config.clvInterval }

    /// How often `sport` is collected.
    func oddsInterval(for sport: String) -> Duration {
        current.oddsIntervals[sport].map { .seconds($0) } ?? config.oddsInterval
    }

    /// How often the collection job wakes: often enough for the most frequent sport.
    var oddsTick: Duration {
        let shortest = current.oddsIntervals.values.min().map { Duration.seconds($0) } ?? config.oddsInterval
        return min(shortest, config.oddsInterval)
    }

    static let keyContext = "platform_settings.odds_api_key"

    func reload() async throws {
        let rows = try await database.query(
            """
            SELECT odds_api_key_sealed, odds_api_key_last4, odds_intervals::text AS odds_intervals, settlement_interval,
                   clv_interval, registration_open, rate_limits::text AS rate_limits, updated_at, email_verification
            FROM platform_settings WHERE id
            """)
        guard let row = rows.first else { return }
        let read = RowReader(row)
        let intervals: String = try read("odds_intervals")
        let parsed = (try? JSONDecoder().decode([String: Int].self, from: Data(intervals.utf8))) ?? [:]
        let settings = PlatformSettings(
            oddsAPIKeySealed: try read("odds_api_key_sealed"), oddsAPIKeyLast4: try read("odds_api_key_last4"),
            oddsIntervals: parsed, settlementInterval: try read("settlement_interval"), clvInterval: try read("clv_interval"),
            registrationOpen: try read("registration_open"), emailVerification: try read("email_verification"),
            rateLimitsJSON: try read("rate_limits"), updatedAt: try read("updated_at"))
        let changed = state.withLock { current -> Bool in
            defer { current = settings }
            return current.rateLimitsJSON != settings.rateLimitsJSON || current.updatedAt == nil
        }
        if changed { applyRateLimits(settings.rateLimitsJSON) }
    }

    private func applyRateLimits(_ json: String?) {
        let source = json ?? config.rateLimitOverrides
        do {
            rateLimits.replace(with: try source.map { try RateLimitPolicies(json: Data($0.utf8)) } ?? .defaults)
        } catch {
            logger.error("stored rate-limit policies are invalid; keeping the current ones", metadata: ["error": "\(error)"])
        }
    }
}

/// Reloads the platform settings every `interval` while the process runs.
struct PlatformSettingsService: Service {
    let store: PlatformSettingsStore
    let logger: Logger
    var interval: Duration = .seconds(10)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await store.reload()
            } catch {
                logger.warning("platform settings not reloaded", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
