import Foundation
import Synchronization
import Testing

@testable import MonPS

/// The settings service's rules over in-memory repositories: values in range, a default bankroll that is the
/// user's own and live, a sharp bookmaker that prices markets. The SQL is tested in `SettingsAPITests`.
@Suite("Settings service rules, in memory")
struct SettingsServiceRuleTests {
    final class InMemorySettings: SettingsRepository {
        let saved = Mutex<[UUID: UserSettingsRecord]>([:])
        let bookmakers: Set<String> = ["pinnacle", "betfair_ex_eu"]

        func get(userID: UUID) async throws -> UserSettingsRecord { saved.withLock { $0[userID] ?? UserSettingsRecord() } }
        func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord {
            saved.withLock { $0[userID] = settings }
            return settings
        }
        func isPricingBookmaker(_ key: String) async throws -> Bool { bookmakers.contains(key) }
    }

    let settings = InMemorySettings()
    let bankrolls = InMemoryBankrolls()
    var service: SettingsService { SettingsService(repository: settings, bankrolls: bankrolls) }
    let user = UUID()

    private func refusal(_ field: String, _ change: (inout UserSettingsRecord) -> Void) async {
        var record = UserSettingsRecord()
        change(&record)
        await #expect {
            _ = try await service.replace(userID: user, with: record)
        } throws: { error in
            guard case BettingError.validation(let refused, _) = error else { return false }
            return refused == field
        }
        #expect(settings.saved.withLock { $0.isEmpty })
    }

    @Test func valuesOutOfRangeAreRefusedAndNothingIsSaved() async {
        await refusal("kelly_fraction") { $0.kellyFraction = 0 }
        await refusal("max_stake_pct") { $0.maxStakePct = 101 }
        await refusal("min_edge") { $0.minEdge = .nan }
        await refusal("time_zone") { $0.timeZone = "Mars/Olympus" }
        await refusal("sharp_bookmaker") { $0.sharpBookmaker = "Not A Key" }
    }

    @Test func theSharpBookmakerMustPriceMarkets() async {
        await refusal("sharp_bookmaker") { $0.sharpBookmaker = "unknown_book" }
    }

    @Test func theDefaultBankrollMustBeTheUsersOwnAndLive() async throws {
        let others = try await BankrollService(repository: bankrolls).create(
            owner: UUID(), name: "Theirs", currency: "EUR", initialAmount: nil)
        await refusal("default_bankroll_id") { $0.defaultBankrollID = others.id }
        let archived = try await BankrollService(repository: bankrolls).create(
            owner: user, name: "Old", currency: "EUR", initialAmount: nil)
        _ = try await bankrolls.update(id: archived.id, owner: user, name: nil, archived: true)
        await refusal("default_bankroll_id") { $0.defaultBankrollID = archived.id }

        let live = try await BankrollService(repository: bankrolls).create(
            owner: user, name: "Main", currency: "EUR", initialAmount: nil)
        var record = UserSettingsRecord()
        record.defaultBankrollID = live.id
        record.sharpBookmaker = "betfair_ex_eu"
        let saved = try await service.replace(userID: user, with: record)
        #expect(saved.defaultBankrollID == live.id)
        #expect(try await service.get(userID: user).sharpBookmaker == "betfair_ex_eu")
    }
}
