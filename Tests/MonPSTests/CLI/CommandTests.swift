import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("CLI commands", .hangGuard)
struct CommandTests {
    @Test func createAdminGeneratesAPasswordOnceAndMigrateReports() async throws {
        let url = try await TestDatabases.shared.makeEmpty()
        let config = try TestEnvironment.config(database: url)
        let pending = try await MonPSCommands.migrate(config: config, logger: TestEnvironment.logger, statusOnly: true)
        #expect(pending.hasPrefix("pending  0001_schema_migrations"))
        let applied = try await MonPSCommands.migrate(config: config, logger: TestEnvironment.logger, statusOnly: false)
        #expect(applied.contains("applied 0003_identity"))
        #expect(try await MonPSCommands.migrate(config: config, logger: TestEnvironment.logger, statusOnly: false) == "database is up to date")

        let output = try await MonPSCommands.createAdmin(
            config: config, logger: TestEnvironment.logger, email: "root@example.com", password: nil)
        let password = try #require(output.split(separator: "\n").last?.split(separator: ": ").last.map(String.init))
        #expect(output.contains("generated password (shown once)"))
        let app = try await TestApp.make(database: url)
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).login(email: "root@example.com", password: password)
            #expect(try await client.get("/v1/me", token: token).json()["role"] as? String == "admin")
        }
        await #expect(throws: (any Error).self) {
            _ = try await MonPSCommands.createAdmin(config: config, logger: TestEnvironment.logger, email: "ROOT@example.com", password: nil)
        }
    }
}
