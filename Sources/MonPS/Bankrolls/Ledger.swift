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
        let after = try posting.balance(after: bankroll.balance)
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
        let value = RowReader(row)
        return LedgerEntryRecord(
            id: try value("id"), bankrollID: try value("bankroll_id"), kind: try value("kind"), amount: try value("amount"),
            balanceAfter: try value("balance_after"), betID: try value("bet_id"), cause: try value("caused_by"),
            note: try value("note"), createdBy: try value("created_by"), createdAt: try value("created_at"))
    }
}
