import Foundation
import PostgresNIO
import Testing
@testable import MonPS

@Suite("Migrations", .hangGuard)
struct MigrationTests {
    let logger = TestEnvironment.logger

    func tables(_ client: PostgresClient) async throws -> Set<String> {
        let rows = try await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").collect()
        return Set(try rows.map { try $0.decode(String.self) })
    }

    func appliedCount(_ client: PostgresClient) async throws -> Int {
        let rows = try await client.query("SELECT count(*)::int FROM schema_migrations").collect()
        return try rows.first!.decode(Int.self)
    }

    @Test func appliesInOrderThenNothingOnRerun() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        let files = try MigrationFile.bundled()
        try await TestDatabases.withClient(url) { client in
            let migrator = Migrator(files: files, logger: logger)
            let before = try await migrator.status(client)
            #expect(before.applied.isEmpty)
            #expect(before.pending == files.map(\.identifier))

            let applied = try await migrator.migrate(client)
            #expect(applied == files.map(\.identifier))
            let created = try await tables(client)
            #expect(created.isSuperset(of: ["schema_migrations", "sports", "sport_groups"]))
            let countAfterFirstRun = try await appliedCount(client)
            #expect(countAfterFirstRun == files.count)

            let secondRun = try await migrator.migrate(client)
            #expect(secondRun.isEmpty)
            let countAfterSecondRun = try await appliedCount(client)
            #expect(countAfterSecondRun == files.count)
            let after = try await migrator.status(client)
            #expect(after.pending.isEmpty)
            #expect(after.applied == files.map(\.identifier))
        }
    }

    @Test func refusesWhenAnAppliedFileChanged() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        var files = try MigrationFile.bundled()
        _ = try await TestDatabases.withClient(url) { [files] client in
            try await Migrator(files: files, logger: logger).migrate(client)
        }
        files[1] = MigrationFile(version: files[1].version, name: files[1].name, sql: files[1].sql + "\n-- edited\n")
        let changed = files
        await #expect(throws: MigrationError.changedAfterApply(changed[1].identifier)) {
            try await TestDatabases.withClient(url) { client in
                try await Migrator(files: changed, logger: logger).migrate(client)
            }
        }
        await #expect(throws: MigrationError.unknownApplied(changed[1].identifier)) {
            try await TestDatabases.withClient(url) { client in
                _ = try await Migrator(files: Array(changed.prefix(1)), logger: logger).status(client)
            }
        }
    }

    @Test func failingMigrationIsRolledBackWhole() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        let files = try MigrationFile.bundled()
        let broken = MigrationFile(
            version: 9999, name: "broken",
            sql: "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES ('not a number');")
        try await TestDatabases.withClient(url) { client in
            let migrator = Migrator(files: files + [broken], logger: logger)
            await #expect {
                try await migrator.migrate(client)
            } throws: { error in
                guard case MigrationError.failed(let name, let reason) = error else { return false }
                return name == "9999_broken" && reason.contains("invalid input syntax")
            }
            let remaining = try await tables(client)
            #expect(!remaining.contains("half_done"))
            let count = try await appliedCount(client)
            #expect(count == files.count)
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        let files = try MigrationFile.bundled()
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await TestDatabases.withClient(url) { client in
                        try await Migrator(files: files, logger: logger).migrate(client)
                    }
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(results.flatMap { $0 }.sorted() == files.map(\.identifier).sorted())
        let count = try await TestDatabases.withClient(url) { client in try await appliedCount(client) }
        #expect(count == files.count)
    }

    @Test func fileNamesAreValidated() throws {
        #expect(throws: MigrationError.badFileName("12_x.sql")) { try MigrationFile.parse(fileName: "12_x.sql", contents: "") }
        #expect(throws: MigrationError.badFileName("0003.sql")) { try MigrationFile.parse(fileName: "0003.sql", contents: "") }
        #expect(throws: MigrationError.badFileName("abcd_x.sql")) { try MigrationFile.parse(fileName: "abcd_x.sql", contents: "") }
        let file = try MigrationFile.parse(fileName: "0042_odds_snapshots.sql", contents: "SELECT 1;")
        #expect(file.version == 42)
        #expect(file.identifier == "0042_odds_snapshots")
        #expect(file.checksum == "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a")
    }

    @Test func bundledFilesMatchTheRepository() throws {
        let directory = TestEnvironment.repositoryRoot.appendingPathComponent("Migrations")
        #expect(try MigrationFile.load(directory: directory) == MigrationFile.bundled())
    }

    @Test func duplicateNumbersAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 1;".write(to: directory.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "SELECT 2;".write(to: directory.appendingPathComponent("0001_b.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.duplicateVersion(1)) { try MigrationFile.load(directory: directory) }
    }

    @Test func serverRefusesPendingMigrationsUnlessToldToMigrate() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        // The server's pre-start check, run as `Application.run` runs it (in the server's prelude). Not through
        // `app.test(.router)`: when a pre-start process throws before the test harness's service group has
        // started, HummingbirdTesting triggers the shutdown too early and waits for that group forever (the
        // race of hummingbird#871 on its error path) — seen as a hung CI run.
        let services = try await TestApp.make(database: url).services
        let refusing = try buildApplication(services: services)
        await #expect(throws: MigrationError.self) {
            try await services.withRunningDatabase {
                for process in refusing.processesRunBeforeServerStart { try await process() }
            }
        }
        let migrating = try await TestApp.make(database: url, overrides: ["MONPS_AUTO_MIGRATE": "true"])
        let status = try await migrating.test { client in try await client.get("/v1/sports/soccer_epl").status }
        #expect(status == .ok)
    }
}
