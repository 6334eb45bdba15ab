import Foundation
import Logging
import PostgresNIO

/// Applies migration files in order, each in its own transaction, recording name and checksum.
/// Safe when several instances start together: all work happens under one PostgreSQL advisory lock.
public struct Migrator: Sendable {
    public struct Status: Sendable, Equatable {
        public var applied: [String]
        public var pending: [String]
    }

    /// Arbitrary constant identifying "MonPS schema migrations" among advisory locks.
    static let advisoryLockKey: Int64 = 0x4D6F_6E50_535F_4D31

    let files: [MigrationFile]
    let logger: Logger

    public init(files: [MigrationFile], logger: Logger) {
        self.files = files
        self.logger = logger
    }

    /// Applies every pending migration; returns the identifiers applied by this call.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [String] {
        try await client.withConnection { connection in try await migrate(on: connection) }
    }

    /// `migrate` on a connection the caller holds.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> [String] {
        try await withAdvisoryLock(connection) {
            let pending = try await pendingFiles(connection)
            for file in pending {
                try await apply(file, on: connection)
            }
            return pending.map(\.identifier)
        }
    }

    public func status(_ client: PostgresClient) async throws -> Status {
        try await client.withConnection { connection in try await status(on: connection) }
    }

    /// `status` on a connection the caller holds.
    public func status(on connection: PostgresConnection) async throws -> Status {
        let applied = try await appliedRecords(connection)
        try verify(applied: applied)
        let appliedVersions = Set(applied.map(\.version))
        return Status(
            applied: files.filter { appliedVersions.contains($0.version) }.map(\.identifier),
            pending: files.filter { !appliedVersions.contains($0.version) }.map(\.identifier))
    }

    private func pendingFiles(_ connection: PostgresConnection) async throws -> [MigrationFile] {
        let applied = try await appliedRecords(connection)
        try verify(applied: applied)
        let appliedVersions = Set(applied.map(\.version))
        return files.filter { !appliedVersions.contains($0.version) }
    }

    private func apply(_ file: MigrationFile, on connection: PostgresConnection) async throws {
        let start = ContinuousClock.now
        _ = try await connection.query("BEGIN", logger: logger)
        do {
            for statement in SQLScript.statements(in: file.sql) {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let elapsed = Int((ContinuousClock.now - start).nanoseconds / 1_000_000)
            try await connection.query(
                """
                INSERT INTO schema_migrations (version, name, checksum, execution_ms)
                VALUES (\(file.version), \(file.name), \(file.checksum), \(elapsed))
                """, logger: logger)
            _ = try await connection.query("COMMIT", logger: logger)
            logger.notice("applied migration", metadata: ["migration": .string(file.identifier), "ms": .stringConvertible(elapsed)])
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw MigrationError.failed(file.identifier, Self.describe(error))
        }
    }

    private struct AppliedRecord {
        var version: Int
        var name: String
        var checksum: String
    }

    private func appliedRecords(_ connection: PostgresConnection) async throws -> [AppliedRecord] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var tableExists = false
        for try await (flag) in exists.decode(Bool.self) { tableExists = flag }
        guard tableExists else { return [] }
        let rows = try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations ORDER BY version", logger: logger)
        var records: [AppliedRecord] = []
        for try await row in rows {
            let read = RowReader(row)
            records.append(
                AppliedRecord(version: try read("version"), name: try read("name"), checksum: try read("checksum")))
        }
        return records
    }

    private func verify(applied: [AppliedRecord]) throws {
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for record in applied {
            let identifier = String(format: "%04d_%@", record.version, record.name)
            guard let file = byVersion[record.version] else { throw MigrationError.unknownApplied(identifier) }
            guard file.checksum == record.checksum else { throw MigrationError.changedAfterApply(identifier) }
        }
    }

    private func withAdvisoryLock<Result>(
        _ connection: PostgresConnection, _ body: () async throws -> Result
    ) async throws -> Result {
        _ = try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
        do {
            let result = try await body()
            _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
            throw error
        }
    }

    /// PSQLError hides the server's message from `description`; surface it (it is about our own SQL).
    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError, let message = psql.serverInfo?[.message] {
            return message
        }
        return String(describing: error)
    }
}
