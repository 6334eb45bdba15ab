import Foundation

/// The rules of a user's settings: every value in range (`UserSettingsRecord.validate`), a default bankroll that is
/// the user's own and live, a sharp bookmaker that prices markets itself. `SettingsRepository` runs the SQL.
struct SettingsService: Sendable {
    let repository: any SettingsRepository
    let bankrolls: any BankrollRepository

    func get(userID: UUID) async throws -> UserSettingsRecord {
        try await repository.get(userID: userID)
    }

    func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord {
        try settings.validate()
        if let bankrollID = settings.defaultBankrollID {
            guard let bankroll = try await bankrolls.get(id: bankrollID, owner: userID) else {
                throw BettingError.validation(field: "default_bankroll_id", message: "is not one of your bankrolls")
            }
            guard !bankroll.archived else {
                throw BettingError.validation(field: "default_bankroll_id", message: "is archived")
            }
        }
        guard try await repository.isPricingBookmaker(settings.sharpBookmaker) else {
            throw BettingError.validation(field: "sharp_bookmaker", message: "is not a known bookmaker")
        }
        return try await repository.replace(userID: userID, with: settings)
    }
}
