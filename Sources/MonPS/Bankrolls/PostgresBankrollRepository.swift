import Foundation
import PostgresNIO

struct PostgresBankrollRepository: BankrollRepository {
    let database: Database
    let audit: AuditLog

    static let nameIndex = "bankrolls_owner_name_live_key"

    private static let columns = """
        b.id, b.user_id, b.name, b.currency, b.initial_amount, b.balance,
        COALESCE((SELECT sum(stake) FROM bets WHERE bankroll_id = b.id AND status = 'pending'), 0)::int8 AS pending_stakes,
        b.archived, b.created_at, b.updated_at
        """

    func create(_ bankroll: NewBankroll, opening: LedgerPosting?) async throws -> BankrollRecord {
        do {
            return try await database.transaction { sql in
                let rows = try await sql.query(
                    """
                    INSERT INTO bankrolls (user_id, name, currency, initial_amount)
                    VALUES (\(bankroll.owner), \(bankroll.name), \(bankroll.currency), \(bankroll.initialAmount)) RETURNING id
                    """)
                guard let id = try rows.first?.decode(UUID.self) else { throw StorageInvariantError.noRowReturned }
                if let opening {
                    var locked = try await Ledger.lock(id, owner: bankroll.owner, on: sql)
                    _ = try await Ledger.post(opening, to: &locked, on: sql)
                }
                return try await Self.fetch(id: id, owner: bankroll.owner, on: sql)
            }
        } catch where KeysetSQL.isUniqueViolation(error, constraint: Self.nameIndex) {
            throw BettingError.bankrollNameTaken
        }
    }

    func list(owner: UUID, includeArchived: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws
        -> [(record: BankrollRecord, createdMicros: Int64)]
    {
        let afterMicros = after?.micros
        let afterID = after?.id
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.columns), \(unescaped: KeysetSQL.micros("b.created_at")) AS created_micros FROM bankrolls b
            WHERE b.user_id = \(owner) AND (\(includeArchived) OR NOT b.archived)
              AND (\(afterMicros)::int8 IS NULL OR (b.created_at, b.id) >
                   (timestamptz 'epoch' + \(afterMicros) * interval '1 microsecond', \(afterID)))
            ORDER BY b.created_at, b.id
            LIMIT \(limit)
            """)
        return try rows.map { row in (try Self.decode(row), try RowReader(row)("created_micros", Int64.self)) }
    }

    func get(id: UUID, owner: UUID) async throws -> BankrollRecord? {
        let rows = try await database.query(
            "SELECT \(unescaped: Self.columns) FROM bankrolls b WHERE b.id = \(id) AND b.user_id = \(owner)")
        return try rows.first.map(Self.decode)
    }

    func update(id: UUID, owner: UUID, name: String?, archived: Bool?) async throws -> BankrollRecord {
        do {
            return try await database.transaction { sql in
                let rows = try await sql.query(
                    """
                    UPDATE bankrolls SET name = COALESCE(\(name), name), archived = COALESCE(\(archived), archived),
                           updated_at = now()
                    WHERE id = \(id) AND user_id = \(owner) RETURNING id
                    """)
                guard !rows.isEmpty else { throw BettingError.bankrollNotFound }
                return try await Self.fetch(id: id, owner: owner, on: sql)
            }
        } catch where KeysetSQL.isUniqueViolation(error, constraint: Self.nameIndex) {
            throw BettingError.bankrollNameTaken
        }
    }

    func entries(bankrollID: UUID, owner: UUID, kind: LedgerKind?, beforeID: Int64?, limit: Int) async throws
        -> [LedgerEntryRecord]
    {
        guard try await get(id: bankrollID, owner: owner) != nil else { throw BettingError.bankrollNotFound }
        let rows = try await database.query(
            """
            SELECT \(unescaped: Ledger.entryColumns) FROM bankroll_entries
            WHERE bankroll_id = \(bankrollID) AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
              AND (\(beforeID)::int8 IS NULL OR id < \(beforeID))
            ORDER BY id DESC LIMIT \(limit)
            """)
        return try rows.map(Ledger.decodeEntry)
    }

    func post(
        _ posting: LedgerPosting, bankrollID: UUID, owner: UUID, admit: BankrollRules.Posting, audit entry: LedgerAudit?
    ) async throws -> LedgerEntryRecord {
        try await database.transaction { sql in
            var locked = try await Ledger.lock(bankrollID, owner: owner, on: sql)
            try admit(locked)
            let posted = try await Ledger.post(posting, to: &locked, on: sql)
            if let entry {
                try await audit.record(
                    on: sql, entry.action, actor: owner, targetType: "bankroll", targetID: bankrollID.uuidString.lowercased(),
                    context: entry.context, details: ["amount": .int(Int(posting.amount)), "entry_id": .int(Int(posted.id))])
            }
            return posted
        }
    }

    private static func fetch(id: UUID, owner: UUID, on sql: DatabaseConnection) async throws -> BankrollRecord {
        let rows = try await sql.query(
            "SELECT \(unescaped: columns) FROM bankrolls b WHERE b.id = \(id) AND b.user_id = \(owner)")
        guard let row = rows.first else { throw BettingError.bankrollNotFound }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> BankrollRecord {
        let value = RowReader(row)
        return BankrollRecord(
            id: try value("id"), ownerID: try value("user_id"), name: try value("name"), currency: try value("currency"),
            initialAmount: try value("initial_amount"), balance: try value("balance"),
            pendingStakes: try value("pending_stakes"), archived: try value("archived"), createdAt: try value("created_at"),
            updatedAt: try value("updated_at"))
    }
}
