import Foundation
import PostgresNIO

/// Posting to a bankroll's ledger inside a transaction.
///
/// Protocol for every writer: `lock` the bankroll row first (`SELECT … FOR UPDATE`), check what must be checked
/// against the locked balance, then `post`. Concurrent writers to one bankroll therefore queue on its row, and the
/// balance they see is the one their entry continues from (the database trigger refuses any other chain).
/// Lock order when a bet is involved: the bet row first, then its bankroll (bet creation locks only the bankroll).
enum Ledger {
    /// The locked state of a bankroll.
    struct LockedBankroll: Sendable {
        var id: UUID
        var currency: String
        var balance: Int64
        var archived: Bool
    }

    /// Locks the owner's bankroll for the rest of the transaction; another user's bankroll is not found.
    static func lock(_ bankrollID: UUID, owner: UUID, on sql: DatabaseConnection) async throws -> LockedBankroll {
        let rows = try await sql.query(
            "SELECT currency, balance, archived FROM bankrolls WHERE id = \(bankrollID) AND user_id = \(owner) FOR UPDATE")
        guard let row = rows.first else { throw BettingError.bankrollNotFound }
        let read = RowReader(row)
        return LockedBankroll(
            id: bankrollID, currency: try read("currency"), balance: try read("balance"), archived: try read("archived"))
    }

    /// Appends `posting` after `bankroll.balance`, refusing to go below zero, and returns the entry.
    /// `bankroll.balance` is advanced so several postings can follow in one transaction.
    static func post(
        _ posting: LedgerPosting, to bankroll: inout LockedBankroll, on sql: DatabaseConnection
    ) async throws -> LedgerEntryRecord {
        let (after, overflow) = bankroll.balance.addingReportingOverflow(posting.amount)
        guard !overflow else { throw BettingError.validation(field: "amount", message: "is too large") }
        guard after >= 0 else {
            throw BettingError.insufficientFunds(balance: bankroll.balance, needed: -posting.amount)
        }
        let rows = try await sql.query(
            """
            INSERT INTO bankroll_entries (bankroll_id, kind, amount, balance_after, bet_id, caused_by, note, created_by)
            VALUES (\(bankroll.id), \(posting.kind.rawValue), \(posting.amount), \(after), \(posting.betID),
                    \(posting.cause.rawValue), \(posting.note), \(posting.createdBy))
            RETURNING \(unescaped: entryColumns)
            """)
        guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
        bankroll.balance = after
        return try decodeEntry(row)
    }

    static let entryColumns = "id, bankroll_id, kind, amount, balance_after, bet_id, caused_by, note, created_by, created_at"

    static func decodeEntry(_ row: PostgresRow) throws -> LedgerEntryRecord {
        let (id, bankrollID, kind, amount, balanceAfter, betID, cause, note, createdBy, createdAt) = try row.decode(
            (Int64, UUID, String, Int64, Int64, UUID?, String, String?, UUID?, Date).self)
        return LedgerEntryRecord(
            id: id, bankrollID: bankrollID, kind: try LedgerKind(stored: kind, column: "bankroll_entries.kind"),
            amount: amount, balanceAfter: balanceAfter, betID: betID,
            cause: try LedgerCause(stored: cause, column: "bankroll_entries.caused_by"), note: note, createdBy: createdBy,
            createdAt: createdAt)
    }
}
