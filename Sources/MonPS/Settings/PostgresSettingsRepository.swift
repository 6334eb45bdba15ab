import Foundation
import MonPSCore
import PostgresNIO

struct PostgresSettingsRepository: SettingsRepository {
    let database: Database

    func get(userID: UUID) async throws -> UserSettingsRecord {
        let rows = try await database.query(
            """
            SELECT default_bankroll_id, kelly_fraction::float8, max_stake_pct::float8, min_edge::float8, devig_method,
                   sharp_bookmaker, time_zone, alerts::text, updated_at
            FROM user_settings WHERE user_id = \(userID)
            """)
        guard let row = rows.first else { return UserSettingsRecord() }
        let (bankroll, kelly, maxStake, minEdge, method, sharp, zone, alerts, updatedAt) = try row.decode(
            (UUID?, Double, Double, Double, String, String, String, String, Date).self)
        return UserSettingsRecord(
            defaultBankrollID: bankroll, kellyFraction: kelly, maxStakePct: maxStake, minEdge: minEdge,
            devigMethod: DevigMethod(rawValue: method) ?? .shin, sharpBookmaker: sharp, timeZone: zone,
            alerts: AlertPreferences(stored: alerts),
            updatedAt: updatedAt)
    }

    func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord {
        try settings.validate()
        if let bankrollID = settings.defaultBankrollID {
            let rows = try await database.query(
                "SELECT archived FROM bankrolls WHERE id = \(bankrollID) AND user_id = \(userID)")
            guard let archived = try rows.first?.decode(Bool.self) else {
                throw BettingError.validation(field: "default_bankroll_id", message: "is not one of your bankrolls")
            }
            guard !archived else {
                throw BettingError.validation(field: "default_bankroll_id", message: "is archived")
            }
        }
        let bookmakers = try await database.query(
            "SELECT 1 FROM bookmakers WHERE key = \(settings.sharpBookmaker) AND NOT aggregate")
        guard !bookmakers.isEmpty else {
            throw BettingError.validation(field: "sharp_bookmaker", message: "is not a known bookmaker")
        }
        let alerts = String(decoding: try JSONEncoder().encode(settings.alerts), as: UTF8.self)
        try await database.query(
            """
            INSERT INTO user_settings (user_id, default_bankroll_id, kelly_fraction, max_stake_pct, min_edge, devig_method,
                                       sharp_bookmaker, time_zone, alerts, updated_at)
            VALUES (\(userID), \(settings.defaultBankrollID), \(settings.kellyFraction), \(settings.maxStakePct),
                    \(settings.minEdge), \(settings.devigMethod.rawValue), \(settings.sharpBookmaker), \(settings.timeZone),
                    \(alerts)::jsonb, now())
            ON CONFLICT (user_id) DO UPDATE SET
                default_bankroll_id = EXCLUDED.default_bankroll_id, kelly_fraction = EXCLUDED.kelly_fraction,
                max_stake_pct = EXCLUDED.max_stake_pct, min_edge = EXCLUDED.min_edge,
                devig_method = EXCLUDED.devig_method, sharp_bookmaker = EXCLUDED.sharp_bookmaker,
                time_zone = EXCLUDED.time_zone, alerts = EXCLUDED.alerts, updated_at = now()
            """)
        return try await get(userID: userID)
    }
}
