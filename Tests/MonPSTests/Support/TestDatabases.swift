import Foundation
import Logging
import PostgresNIO
@testable import MonPS

/// Gives every test its own freshly migrated database, cloned from a template that is migrated once per
/// test process (`CREATE DATABASE … TEMPLATE` is a file copy: far cheaper than migrating each time).
actor TestDatabases {
    static let shared = TestDatabases()

    private var template: Task<String, any Error>?

    /// A new, migrated database; its name is unique per call.
    func makeMigrated() async throws -> DatabaseURL {
        let templateName = try await templateDatabase()
        return try await create(template: templateName)
    }

    /// A new database with nothing in it (for migration tests).
    func makeEmpty() async throws -> DatabaseURL {
        // The template build first clears leftovers of earlier runs; never create a database before that.
        _ = try await templateDatabase()
        return try await create(template: "template0")
    }

    private func templateDatabase() async throws -> String {
        if let template { return try await template.value }
        let task = Task { try await Self.buildTemplate() }
        template = task
        return try await task.value
    }

    private func create(template: String) async throws -> DatabaseURL {
        let name = "monps_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try await Self.withAdminClient { client in
            // Identifiers cannot be bound parameters; both names are generated here, never user input.
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"))
        }
        return TestEnvironment.adminDatabaseURL.with(database: String(name))
    }

    private static func buildTemplate() async throws -> String {
        let name = "monps_template"
        try await withAdminClient { client in
            // Leftovers of earlier runs against the same server go first.
            let stale = try await client.query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'monps_t\\_%' OR datname = 'monps_template'"
            ).collect()
            for row in stale {
                let database = try row.decode(String.self)
                try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"))
            }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0"))
        }
        let url = TestEnvironment.adminDatabaseURL.with(database: name)
        try await withClient(url) { client in
            try await Migrator(files: try MigrationFile.bundled(), logger: TestEnvironment.logger).migrate(client)
        }
        // A closed client's backends end asynchronously on the server; cloning before they have gone fails with
        // "source database is being accessed by other users".
        try await withAdminClient { client in
            // Ended rather than waited for: a closing client's sessions have been seen to linger past the wait below.
            _ = try await client.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name) AND pid <> pg_backend_pid()"
            ).collect()
            for _ in 0..<100 {
                let sessions = try await client.query(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE datname = \(name)"
                ).collect()
                if try sessions.first?.decode(Int.self) == 0 { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return name
    }

    static func withAdminClient<Result: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await withClient(TestEnvironment.adminDatabaseURL, body)
    }

    /// Runs `body` with a short-lived client on `url`, closed afterwards (so the template has no sessions).
    static func withClient<Result: Sendable>(
        _ url: DatabaseURL, _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: Database.clientConfiguration(url: url, poolSize: 4))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
