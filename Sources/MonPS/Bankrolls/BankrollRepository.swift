import Foundation

/// A bankroll to open, validated by `BankrollService`.
struct NewBankroll: Sendable, Equatable {
    var owner: UUID
    var name: String
    var currency: String
    var initialAmount: Int64
}

/// A ledger posting that also leaves an entry in the audit log (in the posting's transaction).
struct LedgerAudit: Sendable {
    var action: AuditAction
    var context: AuditContext
}

/// The SQL of bankrolls and their ledgers. The rules (what may be opened, posted, renamed) are `BankrollService`'s.
protocol BankrollRepository: Sendable {
    /// Creates the bankroll and posts `opening`, if any, as its first ledger entry, in one transaction;
    /// `BettingError.bankrollNameTaken` on a live duplicate name.
    func create(_ bankroll: NewBankroll, opening: LedgerPosting?) async throws -> BankrollRecord
    /// The owner's bankrolls by (created_at, id), after the keyset position, at most `limit`.
    func list(owner: UUID, includeArchived: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws
        -> [(record: BankrollRecord, createdMicros: Int64)]
    /// The owner's bankroll, or nil (also for another user's).
    func get(id: UUID, owner: UUID) async throws -> BankrollRecord?
    /// Renames and/or (un)archives; `BettingError.bankrollNameTaken` on a live duplicate name.
    func update(id: UUID, owner: UUID, name: String?, archived: Bool?) async throws -> BankrollRecord
    /// Ledger entries newest first, ids below `beforeID`; `BettingError.bankrollNotFound` unless the owner's.
    func entries(bankrollID: UUID, owner: UUID, kind: LedgerKind?, beforeID: Int64?, limit: Int) async throws
        -> [LedgerEntryRecord]
    /// Posts to the owner's bankroll under its row lock, once `admit` accepts the locked bankroll (the ledger itself
    /// refuses a balance below zero); with `audit`, records it (amount and entry id) in the same transaction.
    func post(
        _ posting: LedgerPosting, bankrollID: UUID, owner: UUID, admit: BankrollRules.Posting, audit: LedgerAudit?
    ) async throws -> LedgerEntryRecord
}
