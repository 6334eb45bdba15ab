// DATABASE_READ_URL against a real streaming replica (pg_basebackup of a private primary, started by the test):
// read-only endpoints read the replica, the writer reads the primary for a while, and a dead replica falls back.

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import MonPS

@Suite("Read replica", .hangGuard, .serialized)
struct ReadReplicaTests {
    /// `GET /v1/analytics/bankroll-curve` of one bankroll: 200 where it exists, a 4xx where it does not (yet).
    static func curve(_ client: some TestClientProtocol, _ id: String, token: String) async throws -> Int {
        Int(try await client.get("/v1/analytics/bankroll-curve?bankroll_id=\(id)", token: token).status.code)
    }


    @Test func readsGoToTheReplicaExceptForRecentWritersAndFallBackWhenItIsDown() async throws {
        let primary = try await PostgresServerProcess()
        let replica = try await PostgresServerProcess(replicaOf: primary)
        let primaryURL = try DatabaseURL(parsing: primary.url)
        // Migrated through a process of its own (the app's Redis must stay open for the test).
        let migrating = try AppServices(config: try TestEnvironment.config(database: primaryURL), logger: TestEnvironment.logger)
        try await migrating.withRunningDatabase {
            _ = try await Migrator(files: try MigrationFile.bundled(), logger: TestEnvironment.logger).migrate(migrating.database.client)
        }
        let app = try await TestApp.make(
            database: primaryURL,
            overrides: [
                "DATABASE_READ_URL": replica.url, "MONPS_READ_YOUR_WRITES_SECONDS": "600",
                // Fail over quickly when the replica goes away. The primary keeps the suite's patient default: with
                // 3 s for both, a loaded CI machine once answered the registration 503.
                "MONPS_DB_READ_LEASE_TIMEOUT_MS": "3000",
            ])
        #expect(app.services.readDatabase.readReplica?.database.leaseTimeout == .seconds(3))
        #expect(app.services.database.leaseTimeout > .seconds(3))
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let token = try await accounts.token()
            // The replica has replayed the account (authentication reads the primary anyway).
            try await Eventually.until("the replica has the schema") {
                await (try? replica.psql("SELECT count(*) FROM users")) == "1"
            }

            // Resuming replay after a long pause must not cancel the statement that resumes it.
            #expect(try await replica.psql("SHOW max_standby_streaming_delay") == "-1")
            // Replay paused: what the primary gets from now on is missing on the replica.
            try await replica.psql("SELECT pg_wal_replay_pause()")
            let created = try await client.postJSON("/v1/bankrolls", #"{"name":"main","currency":"EUR"}"#, token: token)
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)

            // Read your writes: within the window the writer reads the primary and sees the new bankroll.
            #expect(try await Self.curve(client, id, token: token) == 200)
            // After the window the same read goes to the replica, which has not replayed the bankroll yet.
            // The window ends when Redis drops the writer's mark; the test ends it now, as its expiry would, so the
            // window can be long (600 s): a loaded CI machine once spent over 15 s between the write and this check.
            let userID = try #require(try await client.get("/v1/me", token: token).json()["id"] as? String)
            let mark = app.services.redis.prefixed("ryw:\(userID)")
            #expect(try await app.services.redis.command(["EXISTS", mark]) == .integer(1))
            _ = try await app.services.redis.command(["PEXPIRE", mark, "1"])
            try await Eventually.until("the writer's mark has expired") {
                try await app.services.redis.command(["EXISTS", mark]) == .integer(0)
            }
            // A read whose replica connection timed out on the loaded machine fell back to the primary (200) and
            // rested the replica: that read proves nothing, so wait for the rest to end and read again.
            let replicaState = try #require(app.services.readDatabase.readReplica)
            var fromReplica = 0
            for _ in 0..<3 {
                try await Eventually.until("the replica is used again", within: .seconds(30)) { replicaState.isUsable }
                fromReplica = try await Self.curve(client, id, token: token)
                if replicaState.isUsable { break }
            }
            #expect((400..<500).contains(fromReplica), "read after the window: \(fromReplica), expected the replica's 4xx")
            // Lists and details read the replica too: the bankroll is not there yet.
            var listed: [String] = ["?"], detail = 0
            for _ in 0..<3 {
                try await Eventually.until("the replica is used again", within: .seconds(30)) { replicaState.isUsable }
                let list = try await client.get("/v1/bankrolls", token: token)
                listed = (try list.json()["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                detail = Int(try await client.get("/v1/bankrolls/\(id)", token: token).status.code)
                if replicaState.isUsable { break }
            }
            #expect(!listed.contains(id), "the list came from the primary: \(listed)")
            #expect(detail == 404, "the detail came from the primary: \(detail)")

            // Replay resumed: the replica catches up and answers 200.
            try await replica.psql("SELECT pg_wal_replay_resume()")
            try await Eventually.until("the replica has replayed the bankroll") {
                try await Self.curve(client, id, token: token) == 200
            }

            #expect(Int(try await client.get("/v1/bankrolls/\(id)", token: token).status.code) == 200)

            // Replica down: the read falls back to the primary (200, not 503).
            try await replica.stop()
            #expect(try await Self.curve(client, id, token: token) == 200)
            #expect(Int(try await client.get("/v1/bankrolls/\(id)", token: token).status.code) == 200)
            // While it rests, reads go straight to the primary.
            #expect(try await Self.curve(client, id, token: token) == 200)
        }
    }

    @Test func theSettingsAreReadAndValidated() throws {
        let base = [
            "DATABASE_URL": "postgres://monps:secret@127.0.0.1:5433/monps", "REDIS_URL": "redis://127.0.0.1:6380/1",
            "MONPS_JWT_SECRETS": "0123456789abcdef0123456789abcdef",
        ]
        let plain = try AppConfig.load(environment: base, requiring: .server)
        #expect(plain.readDatabase == nil && plain.readYourWritesSeconds == 5)
        let config = try AppConfig.load(
            environment: base.merging(["DATABASE_READ_URL": "postgres://monps:secret@127.0.0.1:5434/monps",
                                       "MONPS_READ_YOUR_WRITES_SECONDS": "2"]) { $1 }, requiring: .server)
        #expect(config.readDatabase?.port == 5434 && config.readYourWritesSeconds == 2)
        #expect(plain.readDatabaseLeaseTimeout == nil)
        let patient = try AppConfig.load(
            environment: base.merging(["MONPS_DB_LEASE_TIMEOUT_MS": "5000", "MONPS_DB_READ_LEASE_TIMEOUT_MS": "250"]) { $1 },
            requiring: .server)
        #expect(patient.databaseLeaseTimeout == .seconds(5) && patient.readDatabaseLeaseTimeout == .milliseconds(250))
        #expect(throws: ConfigError.self) {
            try AppConfig.load(environment: base.merging(["MONPS_DB_READ_LEASE_TIMEOUT_MS": "0"]) { $1 }, requiring: .server)
        }
        #expect(throws: ConfigError("DATABASE_READ_URL", "expected postgres://user:password@host:port/database")) {
            try AppConfig.load(environment: base.merging(["DATABASE_READ_URL": "mysql://x"]) { $1 }, requiring: .server)
        }
    }
}
