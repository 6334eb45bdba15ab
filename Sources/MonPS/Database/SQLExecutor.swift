import PostgresNIO

/// Where a repository sends its statements: the pool (`Database`, one pooled connection per statement) or one
/// connection inside `Database.transaction` (`DatabaseConnection`), so several repositories and the audit log can
/// share the transaction of the change they describe.
protocol SQLExecutor: Sendable {
    func run(_ query: PostgresQuery, file: String, line: Int) async throws -> [PostgresRow]
}

extension SQLExecutor {
    /// Runs one statement and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await run(query, file: file, line: line)
    }
}

extension Database: SQLExecutor {
    func run(_ query: PostgresQuery, file: String, line: Int) async throws -> [PostgresRow] {
        try await self.query(query, file: file, line: line)
    }
}

extension DatabaseConnection: SQLExecutor {
    func run(_ query: PostgresQuery, file: String, line: Int) async throws -> [PostgresRow] {
        try await self.query(query, file: file, line: line)
    }
}

extension RawRepresentable where RawValue == String {
    /// The value stored in `column`; another raw value is a broken invariant of the schema, not a crash.
    init(stored raw: String, column: String) throws(StorageInvariantError) {
        guard let value = Self(rawValue: raw) else { throw .unknownValue(column: column, value: raw) }
        self = value
    }
}

/// A statement that must return a row returned none, or a stored value no longer decodes: a server-side fault
/// (a broken invariant of the schema), reported as a 500.
enum StorageInvariantError: Error, CustomStringConvertible {
    case noRowReturned
    case unknownValue(column: String, value: String)
    case missingColumn(String)

    var description: String {
        switch self {
        case .noRowReturned: "the database returned no row where one was expected"
        case .unknownValue(let column, let value): "\(column) holds \"\(value)\", which this version does not know"
        case .missingColumn(let column): "the statement returned no column \"\(column)\""
        }
    }
}
