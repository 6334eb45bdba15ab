import Foundation
import Testing

@testable import MonPS

/// The bankroll service's own rules over an in-memory repository: how a bankroll opens, what an archived one
/// refuses, which postings are audited, and that the ledger never goes below zero.
@Suite("Bankroll service rules, in memory")
struct BankrollServiceRuleTests {
    let repository = InMemoryBankrolls()
    var service: BankrollService { BankrollService(repository: repository) }
    let owner = UUID()

    @Test func anOpeningAmountIsTheFirstDepositOfTheLedger() async throws {
        let bankroll = try await service.create(owner: owner, name: "  Main ", currency: "eur", initialAmount: 50_000)
        #expect(bankroll.name == "Main")
        #expect(bankroll.currency == "EUR")
        #expect(bankroll.initialAmount == 50_000)
        #expect(bankroll.balance == 50_000)
        let entries = repository.entries(of: bankroll.id)
        #expect(entries.count == 1)
        #expect(entries.first?.kind == .deposit)
        #expect(entries.first?.cause == .user)
        #expect(entries.first?.amount == 50_000)
        #expect(entries.first?.note == "initial amount")
        #expect(entries.first?.createdBy == owner)
    }

    @Test func withoutAnOpeningAmountTheLedgerStartsEmpty() async throws {
        let bankroll = try await service.create(owner: owner, name: "Side", currency: "GBP", initialAmount: nil)
        #expect(bankroll.balance == 0)
        #expect(repository.entries(of: bankroll.id).isEmpty)
    }

    @Test(arguments: [
        ("", "EUR", Int64(0), "name"), ("Main", "EURO", 0, "currency"), ("Main", "XYZ", 0, "currency"),
        ("Main", "EUR", -1, "initial_amount"), ("Main", "EUR", BankrollTransaction.maximumAmount + 1, "initial_amount"),
    ])
    func whatCannotOpenIsRefusedByField(name: String, currency: String, initial: Int64, field: String) async throws {
        await #expect {
            _ = try await service.create(owner: owner, name: name, currency: currency, initialAmount: initial)
        } throws: { error in
            guard case BettingError.validation(let refused, _) = error else { return false }
            return refused == field
        }
        #expect(repository.state.withLock { $0.bankrolls.isEmpty })
    }

    @Test func anArchivedBankrollTakesNoNewMoney() async throws {
        let bankroll = try await service.create(owner: owner, name: "Old", currency: "EUR", initialAmount: 1_000)
        _ = try await service.update(id: bankroll.id, owner: owner, name: nil, archived: true)
        let deposit = try BankrollTransaction(kind: .deposit, amount: 500, note: nil)
        await #expect(throws: BettingError.bankrollArchived) {
            _ = try await service.post(deposit, bankrollID: bankroll.id, actor: owner, context: .none)
        }
        #expect(repository.entries(of: bankroll.id).count == 1)
        #expect(repository.record(bankroll.id)?.balance == 1_000)
    }

    @Test func aWithdrawalBeyondTheBalanceIsRefusedAndNothingIsPosted() async throws {
        let bankroll = try await service.create(owner: owner, name: "Main", currency: "EUR", initialAmount: 1_000)
        let withdrawal = try BankrollTransaction(kind: .withdrawal, amount: 1_001, note: nil)
        await #expect(throws: BettingError.insufficientFunds(balance: 1_000, needed: 1_001)) {
            _ = try await service.post(withdrawal, bankrollID: bankroll.id, actor: owner, context: .none)
        }
        #expect(repository.record(bankroll.id)?.balance == 1_000)
        let exact = try BankrollTransaction(kind: .withdrawal, amount: 1_000, note: nil)
        let entry = try await service.post(exact, bankrollID: bankroll.id, actor: owner, context: .none)
        #expect(entry.amount == -1_000)
        #expect(entry.balanceAfter == 0)
    }

    @Test func onlyCorrectionsAreAudited() async throws {
        let bankroll = try await service.create(owner: owner, name: "Main", currency: "EUR", initialAmount: 1_000)
        _ = try await service.post(
            try BankrollTransaction(kind: .deposit, amount: 200, note: nil), bankrollID: bankroll.id, actor: owner, context: .none)
        #expect(repository.audited.isEmpty)
        let correction = try await service.post(
            try BankrollTransaction(kind: .correction, amount: -150, note: "bookmaker fee"), bankrollID: bankroll.id,
            actor: owner, context: .none)
        #expect(correction.kind == .correction)
        #expect(correction.cause == .correction)
        #expect(correction.balanceAfter == 1_050)
        #expect(repository.audited == ["bankroll.corrected"])
    }

    @Test func anotherUsersBankrollIsNotFound() async throws {
        let bankroll = try await service.create(owner: owner, name: "Mine", currency: "EUR", initialAmount: 100)
        await #expect(throws: BettingError.bankrollNotFound) { _ = try await service.get(id: bankroll.id, owner: UUID()) }
        await #expect(throws: BettingError.bankrollNotFound) {
            _ = try await service.post(
                try BankrollTransaction(kind: .deposit, amount: 1, note: nil), bankrollID: bankroll.id, actor: UUID(),
                context: .none)
        }
    }

    @Test func aRenameIsValidatedLikeANewName() async throws {
        let bankroll = try await service.create(owner: owner, name: "Main", currency: "EUR", initialAmount: nil)
        await #expect(throws: BettingError.self) {
            _ = try await service.update(id: bankroll.id, owner: owner, name: "   ", archived: nil)
        }
        let renamed = try await service.update(id: bankroll.id, owner: owner, name: " Second ", archived: nil)
        #expect(renamed.name == "Second")
    }
}
