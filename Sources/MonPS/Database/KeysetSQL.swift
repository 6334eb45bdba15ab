import Foundation
import PostgresNIO

/// The SQL conventions the repositories share: keyset positions on microsecond timestamps, and recognising a
/// unique-constraint violation (a domain refusal such as a duplicate name, not a fault).
enum KeysetSQL {
    /// A timestamp column as integer microseconds since the epoch: exact keyset cursors (a `Date` is not).
    static func micros(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000000)::int8" }

    /// Whether `error` is PostgreSQL's unique violation (SQLSTATE 23505), optionally on one constraint/index.
    static func isUniqueViolation(_ error: any Error, constraint: String? = nil) -> Bool {
        guard let psql = error as? PSQLError, psql.serverInfo?[.sqlState] == "23505" else { return false }
        guard let constraint else { return true }
        return psql.serverInfo?[.constraintName] == constraint
    }

    /// A timestamp-and-id keyset position from a cursor (`[micros, id]`).
    static func position(_ values: [String]?) throws(QueryInputError) -> (micros: Int64, id: String)? {
        guard let values else { return nil }
        guard values.count == 2, let micros = Int64(values[0]) else { throw .foreignCursor }
        return (micros, values[1])
    }
}
