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
        let value = RowReader(row)
        return UserSettingsRecord(
            defaultBankrollID: try value("default_bankroll_id"), kellyFraction: try value("kelly_fraction"),
            maxStakePct: try value("max_stake_pct"), minEdge: try value("min_edge"), devigMethod: try value("devig_method"),
            sharpBookmaker: try value("sharp_bookmaker"), timeZone: try value("time_zone"),
            alerts: AlertPreferences(stored: try value("alerts")), updatedAt: try value("updated_at"))
    }

    func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord {
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

    func isPricingBookmaker(_ key: String) async throws -> Bool {
        try await !database.query("SELECT 1 FROM bookmakers WHERE key = \(key) AND NOT aggregate").isEmpty
    }
}
