import Foundation
import Synchronization

@testable import MonPS

/// An in-memory `BankrollRepository` for tests of the bankroll and settings services' rules: bankrolls, their ledgers
/// (through the ledger's own `LedgerPosting.balance(after:)`) and the audit actions a posting asked for. The SQL keeps
/// its integration tests against PostgreSQL (`BankrollsAPITests`, `LedgerPropertyTests`).
final class InMemoryBankrolls: BankrollRepository {
    struct State {
        var bankrolls: [UUID: BankrollRecord] = [:]
        var entries: [LedgerEntryRecord] = []
        var audited: [AuditAction] = []
    }

    let state = Mutex(State())
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    var audited: [AuditAction] { state.withLock { $0.audited } }
    func entries(of bankroll: UUID) -> [LedgerEntryRecord] { state.withLock { $0.entries.filter { $0.bankrollID == bankroll } } }
    func record(_ id: UUID) -> BankrollRecord? { state.withLock { $0.bankrolls[id] } }

    func create(_ bankroll: NewBankroll, opening: LedgerPosting?) async throws -> BankrollRecord {
        try state.withLock { state in
            guard !state.bankrolls.values.contains(where: { $0.ownerID == bankroll.owner && $0.name == bankroll.name && !$0.archived })
            else { throw BettingError.bankrollNameTaken }
            var record = BankrollRecord(
                id: UUID(), ownerID: bankroll.owner, name: bankroll.name, currency: bankroll.currency,
                initialAmount: bankroll.initialAmount, balance: 0, pendingStakes: 0, archived: false, createdAt: at, updatedAt: at)
            if let opening { try Self.append(opening, to: &record, in: &state) }
            state.bankrolls[record.id] = record
            return record
        }
    }

    func list(owner: UUID, includeArchived: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws
        -> [(record: BankrollRecord, createdMicros: Int64)]
    {
        state.withLock { state in
            state.bankrolls.values.filter { $0.ownerID == owner && (includeArchived || !$0.archived) }
                .sorted { $0.id.uuidString < $1.id.uuidString }.prefix(limit).map { ($0, 0) }
        }
    }

    func get(id: UUID, owner: UUID) async throws -> BankrollRecord? {
        state.withLock { $0.bankrolls[id].flatMap { $0.ownerID == owner ? $0 : nil } }
    }

    func update(id: UUID, owner: UUID, name: String?, archived: Bool?) async throws -> BankrollRecord {
        try state.withLock { state in
            guard var record = state.bankrolls[id], record.ownerID == owner else { throw BettingError.bankrollNotFound }
            record.name = name ?? record.name
            record.archived = archived ?? record.archived
            state.bankrolls[id] = record
            return record
        }
    }

    func entries(bankrollID: UUID, owner: UUID, kind: LedgerKind?, beforeID: Int64?, limit: Int) async throws
        -> [LedgerEntryRecord]
    {
        try state.withLock { state in
            guard state.bankrolls[bankrollID]?.ownerID == owner else { throw BettingError.bankrollNotFound }
            let newestFirst = state.entries.reversed().filter { entry in
                entry.bankrollID == bankrollID && (kind == nil || entry.kind == kind) && beforeID.map { entry.id < $0 } != false
            }
            return Array(newestFirst.prefix(limit))
        }
    }

    func post(
        _ posting: LedgerPosting, bankrollID: UUID, owner: UUID, admit: BankrollRules.Posting, audit: LedgerAudit?
    ) async throws -> LedgerEntryRecord {
        try state.withLock { state in
            guard var record = state.bankrolls[bankrollID], record.ownerID == owner else { throw BettingError.bankrollNotFound }
            try admit(Ledger.LockedBankroll(id: record.id, currency: record.currency, balance: record.balance, archived: record.archived))
            let entry = try Self.append(posting, to: &record, in: &state)
            state.bankrolls[bankrollID] = record
            if let audit { state.audited.append(audit.action) }
            return entry
        }
    }

    @discardableResult
    private static func append(_ posting: LedgerPosting, to record: inout BankrollRecord, in state: inout State) throws
        -> LedgerEntryRecord
    {
        let balance = try posting.balance(after: record.balance)
        let entry = LedgerEntryRecord(
            id: Int64(state.entries.count + 1), bankrollID: record.id, kind: posting.kind, amount: posting.amount,
            balanceAfter: balance, betID: posting.betID, cause: posting.cause, note: posting.note,
            createdBy: posting.createdBy, createdAt: record.createdAt)
        state.entries.append(entry)
        record.balance = balance
        return entry
    }
}
