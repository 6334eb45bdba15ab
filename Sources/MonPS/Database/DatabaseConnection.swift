import Logging
import PostgresNIO

/// One leased PostgreSQL connection, as repositories and transaction bodies see it: every statement on it fails
/// with `DatabaseUnavailable(.connectionLost)` when the connection closes under it, instead of waiting forever.
///
/// Why the guard: PostgresNIO (1.33) hands each statement to its channel with `channel.write(task, promise: nil)`.
/// Once the server has closed the connection (a restart, `pg_ctl stop`, a failover's 57P01) the channel's handlers
/// are gone, the write is dropped, and the statement's own promise is never completed: the awaiting request never
/// returns, not even when cancelled, and a graceful shutdown waits for it forever. The pool can hand out such a
/// connection in the moment between the server closing it and the pool hearing of it, and a transaction can hold
/// one across the close.
public struct DatabaseConnection: Sendable {
    let underlying: PostgresConnection
    let logger: Logger
    let watch: ConnectionWatch

    /// Runs one statement and collects its rows.
    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        let (connection, logger) = (underlying, self.logger)
        return try await watch.guarded {
            try await connection.query(query, logger: logger, file: file, line: line).collect()
        }
    }

    /// Runs a named prepared statement (parsed and planned once per connection) and collects its rows.
    public func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement, file: String = #fileID, line: Int = #line
    ) async throws -> [Statement.Row] where Statement.Row: Sendable {
        let (connection, logger) = (underlying, self.logger)
        return try await watch.guarded {
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger, file: file, line: line) {
                rows.append(row)
            }
            return rows
        }
    }

    /// `COPY … FROM STDIN` for the importer. Not raced against the close like the statements above (the writer
    /// closure runs inline); it is refused on a connection already known to be closed.
    func copyFrom(
        table: String, columns: [String], _ writeData: (PostgresCopyFromWriter) async throws -> Void
    ) async throws {
        guard !underlying.isClosed else { throw ConnectionWatch.lost }
        try await underlying.copyFrom(table: table, columns: columns, logger: logger, writeData: writeData)
    }
}
