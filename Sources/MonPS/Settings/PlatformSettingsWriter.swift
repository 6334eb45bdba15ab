import Foundation

/// A validated change of the platform settings (nil = unchanged; `reset` = back to the environment).
struct PlatformSettingsChange: Sendable, Equatable {
    var oddsAPIKey: String?
    var oddsIntervals: [String: Int]?
    var settlementInterval: Int?
    var clvInterval: Int?
    var registrationOpen: Bool?
    var emailVerification: Bool?
    var rateLimitsJSON: String?
    var reset: Set<String> = []
}

/// A setting the writer refuses: `field` names it, `detail` says why (mapped to 422 in `InvalidPlatformSetting+HTTP`).
struct InvalidPlatformSetting: Error, Equatable, CustomStringConvertible {
    var field: String
    var detail: String
    var description: String { detail }
}

/// Writes a change to `platform_settings` (one statement, so it is all or nothing) and reloads the store.
struct PlatformSettingsWriter {
    let store: PlatformSettingsStore
    /// Every change is an admin's, recorded with the names of the fields changed.
    let audit: AuditLog

    static let intervalRange = 60...604_800

    /// Returns the names of the fields changed (never their secret values).
    func apply(_ change: PlatformSettingsChange, actor: UUID, context: AuditContext) async throws -> [String] {
        var sealed: String?
        var last4: String?
        if let key = change.oddsAPIKey {
            guard key.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline && $0.asciiValue.map { $0 >= 0x21 && $0 < 0x7F } == true }) else {
                throw InvalidPlatformSetting(field: "odds_api_key", detail: "odds_api_key: printable characters only")
            }
            guard let cipher = store.cipher else {
                throw InvalidPlatformSetting(
                    field: "odds_api_key", detail: "odds_api_key: the server has no MONPS_DATA_KEY to store secrets encrypted")
            }
            sealed = try cipher.encrypt(key, associatedData: PlatformSettingsStore.keyContext)
            last4 = String(key.suffix(4))
        }
        if let intervals = change.oddsIntervals {
            let known = Set(try await store.database.query("SELECT key FROM sports").map { try $0.decode(String.self) })
            for (sport, seconds) in intervals.sorted(by: { $0.key < $1.key }) {
                guard known.contains(sport) else {
                    throw InvalidPlatformSetting(field: "odds_intervals", detail: "odds_intervals: unknown sport key '\(sport.prefix(64))'")
                }
                guard Self.intervalRange.contains(seconds) else {
                    throw InvalidPlatformSetting(field: "odds_intervals", detail: "odds_intervals.\(sport): between 60 and 604800 seconds")
                }
            }
        }
        if let json = change.rateLimitsJSON {
            do {
                _ = try RateLimitPolicies(json: Data(json.utf8))
            } catch {
                throw InvalidPlatformSetting(field: "rate_limits", detail: "rate_limits: \(error)")
            }
        }
        let intervalsJSON = try change.oddsIntervals.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let reset = change.reset
        try await store.database.query(
            """
            UPDATE platform_settings SET
                odds_api_key_sealed = CASE WHEN \(reset.contains("odds_api_key")) THEN NULL ELSE coalesce(\(sealed), odds_api_key_sealed) END,
                odds_api_key_last4 = CASE WHEN \(reset.contains("odds_api_key")) THEN NULL ELSE coalesce(\(last4), odds_api_key_last4) END,
                odds_intervals = CASE WHEN \(reset.contains("odds_intervals")) THEN '{}'::jsonb
                                      ELSE coalesce(\(intervalsJSON)::jsonb, odds_intervals) END,
                settlement_interval = CASE WHEN \(reset.contains("settlement_interval_seconds")) THEN NULL
                                           ELSE coalesce(\(change.settlementInterval)::int, settlement_interval) END,
                clv_interval = CASE WHEN \(reset.contains("clv_interval_seconds")) THEN NULL
                                    ELSE coalesce(\(change.clvInterval)::int, clv_interval) END,
                registration_open = CASE WHEN \(reset.contains("registration_open")) THEN NULL
                                         ELSE coalesce(\(change.registrationOpen), registration_open) END,
                email_verification = CASE WHEN \(reset.contains("email_verification")) THEN NULL
                                          ELSE coalesce(\(change.emailVerification), email_verification) END,
                rate_limits = CASE WHEN \(reset.contains("rate_limits")) THEN NULL
                                   ELSE coalesce(\(change.rateLimitsJSON)::jsonb, rate_limits) END,
                updated_at = now(), updated_by = \(actor)
            WHERE id
            """)
        try await store.reload()
        var fields: [String] = []
        if change.oddsAPIKey != nil { fields.append("odds_api_key") }
        if change.oddsIntervals != nil { fields.append("odds_intervals") }
        if change.settlementInterval != nil { fields.append("settlement_interval_seconds") }
        if change.clvInterval != nil { fields.append("clv_interval_seconds") }
        if change.registrationOpen != nil { fields.append("registration_open") }
        if change.rateLimitsJSON != nil { fields.append("rate_limits") }
        if change.emailVerification != nil { fields.append("email_verification") }
        let changed = fields + reset.sorted().map { "reset:\($0)" }
        try await audit.record(
            AuditAction("platform.settings_changed"), actor: actor, targetType: "platform_settings", context: context,
            details: ["fields": .strings(changed)])
        return changed
    }
}
