import Foundation

/// The rules of the `bankrolls` feature: what a bankroll may be called and hold, how its opening amount enters the
/// ledger, which transactions an archived bankroll refuses and which are audited. `BankrollRepository` runs the SQL.
struct BankrollService: Sendable {
    let repository: any BankrollRepository

    /// Opens a bankroll. A starting amount is its first `deposit` entry, so the ledger accounts for every unit of
    /// the balance from the start.
    func create(owner: UUID, name: String, currency: String, initialAmount: Int64?) async throws -> BankrollRecord {
        let name = try BettingText.bankrollName(name)
        let currency = try BettingText.currency(currency)
        let initial = initialAmount ?? 0
        guard (0...BankrollTransaction.maximumAmount).contains(initial) else {
            throw BettingError.validation(
                field: "initial_amount", message: "must be between 0 and \(BankrollTransaction.maximumAmount)")
        }
        let opening =
            initial > 0
            ? LedgerPosting(kind: .deposit, amount: initial, cause: .user, note: "initial amount", createdBy: owner) : nil
        return try await repository.create(
            NewBankroll(owner: owner, name: name, currency: currency, initialAmount: initial), opening: opening)
    }

    func list(owner: UUID, includeArchived: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws
        -> [(record: BankrollRecord, createdMicros: Int64)]
    {
        try await repository.list(owner: owner, includeArchived: includeArchived, after: after, limit: limit)
    }

    /// The owner's bankroll; `bankrollNotFound` for anyone else's.
    func get(id: UUID, owner: UUID) async throws -> BankrollRecord {
        guard let record = try await repository.get(id: id, owner: owner) else { throw BettingError.bankrollNotFound }
        return record
    }

    func update(id: UUID, owner: UUID, name: String?, archived: Bool?) async throws -> BankrollRecord {
        let name = try name.map(BettingText.bankrollName)
        return try await repository.update(id: id, owner: owner, name: name, archived: archived)
    }

    func entries(bankrollID: UUID, owner: UUID, kind: LedgerKind?, beforeID: Int64?, limit: Int) async throws
        -> [LedgerEntryRecord]
    {
        try await repository.entries(bankrollID: bankrollID, owner: owner, kind: kind, beforeID: beforeID, limit: limit)
    }

    /// Posts a user's deposit, withdrawal or correction. A correction rewrites what the ledger says happened, so it
    /// also goes to the audit log.
    func post(_ transaction: BankrollTransaction, bankrollID: UUID, actor: UUID, context: AuditContext) async throws
        -> LedgerEntryRecord
    {
        let (kind, cause) = transaction.posting
        let posting = LedgerPosting(
            kind: kind, amount: transaction.amount, cause: cause, note: transaction.note, createdBy: actor)
        let audit = transaction.kind == .correction ? LedgerAudit(action: "bankroll.corrected", context: context) : nil
        return try await repository.post(
            posting, bankrollID: bankrollID, owner: actor, admit: BankrollRules.posting, audit: audit)
    }
}

/// What a user's transaction must meet against the bankroll it posts to, checked on the row the repository locked.
enum BankrollRules {
    typealias Posting = @Sendable (_ bankroll: Ledger.LockedBankroll) throws -> Void

    /// An archived bankroll takes no new money.
    static let posting: Posting = { bankroll in
        guard !bankroll.archived else { throw BettingError.bankrollArchived }
    }
}
