import Foundation
import MonPSCore

/// A user's betting preferences. A user who never saved any has `UserSettingsRecord()` (the documented defaults).
struct UserSettingsRecord: Sendable, Equatable {
    var defaultBankrollID: UUID?
    /// Fractional Kelly multiplier λ in (0, 1].
    var kellyFraction = 0.25
    /// Largest stake of one bet, in percent of the bankroll, in (0, 100].
    var maxStakePct = 5.0
    /// Smallest edge (p·O − 1) worth a stake, in [0, 10).
    var minEdge = 0.02
    /// Shin: it corrects the favourite–longshot bias of three-way markets and equals additive on two-way ones.
    var devigMethod = DevigMethod.shin
    var sharpBookmaker = "pinnacle"
    var timeZone = "UTC"
    var alerts = AlertPreferences()
    /// nil until first saved.
    var updatedAt: Date?

    /// Checks every value that needs no database (bankroll ownership and the bookmaker are checked on save).
    func validate() throws(BettingError) {
        guard kellyFraction.isFinite, kellyFraction > 0, kellyFraction <= 1 else {
            throw .validation(field: "kelly_fraction", message: "must be greater than 0 and at most 1")
        }
        guard maxStakePct.isFinite, maxStakePct > 0, maxStakePct <= 100 else {
            throw .validation(field: "max_stake_pct", message: "must be greater than 0 and at most 100")
        }
        guard minEdge.isFinite, minEdge >= 0, minEdge < 10 else {
            throw .validation(field: "min_edge", message: "must be at least 0 and below 10")
        }
        guard alerts.minEdge.isFinite, alerts.minEdge >= 0, alerts.minEdge < 10 else {
            throw .validation(field: "alerts.min_edge", message: "must be at least 0 and below 10")
        }
        guard alerts.sports.count <= 32, alerts.sports.allSatisfy({ $0.range(of: "^[a-z0-9_]{1,64}$", options: .regularExpression) != nil }) else {
            throw .validation(field: "alerts.sports", message: "must be at most 32 sport keys such as soccer_epl")
        }
        guard alerts.verdicts.allSatisfy({ ["analyze", "caution"].contains($0) }) else {
            throw .validation(field: "alerts.verdicts", message: "must be analyze or caution")
        }
        guard sharpBookmaker.range(of: "^[a-z0-9_]{1,64}$", options: .regularExpression) != nil else {
            throw .validation(field: "sharp_bookmaker", message: "must be a bookmaker key such as pinnacle")
        }
        guard timeZone.count <= 64, TimeZone(identifier: timeZone) != nil else {
            throw .validation(field: "time_zone", message: "must be an IANA time zone such as Europe/Paris")
        }
    }

    /// `max_stake_pct` as a share of the bankroll.
    var maxStakeShare: Double { maxStakePct / 100 }
}

/// The SQL of users' settings; the rules of what may be saved are `SettingsService`'s.
protocol SettingsRepository: Sendable {
    /// The user's settings, or the defaults when none were saved.
    func get(userID: UUID) async throws -> UserSettingsRecord
    /// Stores `settings` as the user's (they replace any saved before) and returns them as stored.
    func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord
    /// Whether `key` is a bookmaker of the catalogue that prices markets itself (not an aggregate of others).
    func isPricingBookmaker(_ key: String) async throws -> Bool
}
