import Foundation

protocol BankrollRepository: Sendable {
    /// Creates a bankroll and, for a positive initial amount, its first `deposit` entry (one transaction).
    func create(owner: UUID, name: String, currency: String, initialAmount: Int64) async throws -> BankrollRecord
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
    /// Posts a user transaction; refused on archived bankrolls and below zero.
    func post(_ transaction: BankrollTransaction, bankrollID: UUID, actor: UUID, context: AuditContext) async throws
        -> LedgerEntryRecord
}
