import Foundation
import PostgresNIO
import Prometheus
import Testing

@testable import MonPS

/// The migration check before the server listens runs on a dedicated connection: it waits a bounded time for
/// PostgreSQL, then fails with its error, instead of hanging on a pool that cannot connect.
@Suite("Start-up check", .hangGuard)
struct StartUpCheckTests {
    private func database(_ server: PostgresServerProcess) throws -> Database {
        Database(
            url: try DatabaseURL(parsing: server.url), poolSize: 2, leaseTimeout: .seconds(5), logger: TestEnvironment.logger,
            registry: PrometheusCollectorRegistry())
    }

    @Test func waitsForAPostgreSQLThatComesUpWithinItsPatience() async throws {
        let server = try await PostgresServerProcess()
        try await server.stop()
        let database = try database(server)
        let restart = Task {
            try await Task.sleep(for: .seconds(2))
            try await server.start()
        }
        let answer = try await database.atStartUp(patience: .seconds(60)) { connection in
            try await connection.query("SELECT 41 + 1").first?.decode(Int.self)
        }
        try await restart.value
        #expect(answer == 42)
        try await server.stop()
    }

    /// Nothing listens on the port: no PostgreSQL to start (an `initdb` costs seconds of CPU on a loaded runner).
    @Test func failsWithTheServersErrorOnceItsPatienceIsSpent() async throws {
        let port = try RedisServerProcess.freeLoopbackPort()
        let database = Database(
            url: DatabaseURL(host: "127.0.0.1", port: port, username: "postgres", password: "postgres", database: "postgres"),
            poolSize: 2, leaseTimeout: .seconds(5), logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        let error = await #expect(throws: DatabaseUnavailable.self) {
            try await database.atStartUp(patience: .seconds(2)) { _ in true }
        }
        #expect(error?.reason == .unreachable)
    }
}
