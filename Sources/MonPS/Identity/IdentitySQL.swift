import Logging
import PostgresNIO

/// Where an identity repository sends its statements: the pool, or one connection inside a transaction,
/// so several repositories (and the audit log) can share one transaction.
protocol IdentitySQLExecutor: Sendable {
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> [PostgresRow]
}

struct IdentityPoolExecutor: IdentitySQLExecutor {
    let database: Database

    func execute(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await database.query(query)
    }
}

struct IdentityTransactionExecutor: IdentitySQLExecutor {
    let connection: DatabaseConnection
    let logger: Logger

    func execute(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query)
    }
}

enum IdentitySQL {
    /// `Database.transaction`, with the connection wrapped for the repositories. Committed when `body`
    /// returns, rolled back when it throws: work that must persist (e.g. revoking a family on refresh-token
    /// reuse) has to return normally and let the caller throw afterwards.
    static func transaction<Result: Sendable>(
        _ database: Database, _ body: (IdentityTransactionExecutor) async throws -> Result
    ) async throws -> Result {
        try await database.transaction { connection in
            try await body(IdentityTransactionExecutor(connection: connection, logger: database.logger))
        }
    }
}

/// A statement that must return a row returned none (a server-side fault, reported as a 500).
enum IdentityStorageError: Error, CustomStringConvertible {
    case noRowReturned
    var description: String { "the database returned no row where one was expected" }
}

extension PostgresUserRepository {
    init(database: Database) { self.init(executor: IdentityPoolExecutor(database: database)) }
}

extension PostgresSessionRepository {
    init(database: Database) { self.init(executor: IdentityPoolExecutor(database: database)) }
}

extension PostgresAPITokenRepository {
    init(database: Database) { self.init(executor: IdentityPoolExecutor(database: database)) }
}
