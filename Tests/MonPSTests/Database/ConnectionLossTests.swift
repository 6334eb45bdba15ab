import Foundation
import Logging
import PostgresNIO
import Prometheus
import Testing
@testable import MonPS

/// The database layer when PostgreSQL ends a connection under a statement or a transaction (57P01, as in a
/// failover): a clear `DatabaseUnavailable`, never a hang, and nothing half-written.
@Suite("Connection loss", .hangGuard)
struct ConnectionLossTests {
    /// A pool of four; new connections can take seconds on a busy test machine, so the lease deadline is long
    /// unless a test is about it (and then warms the pool first).
    private func withDatabase(
        leaseTimeout: Duration = .seconds(60), _ body: @Sendable (Database) async throws -> Void
    ) async throws {
        let url = try await TestDatabases.shared.makeMigrated()
        let database = Database(
            url: url, poolSize: 4, leaseTimeout: leaseTimeout, logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            try await body(database)
        }
    }

    @Test("a transaction whose connection is terminated reports the write as not saved, and stores none of it")
    func terminatedTransactionIsNotApplied() async throws {
        try await withDatabase { database in
            try await database.query("CREATE TABLE loss_probe (id int)")
            let error = await #expect(throws: DatabaseUnavailable.self) {
                try await database.transaction { connection in
                    try await connection.query("INSERT INTO loss_probe VALUES (1)")
                    // The server ends this very session, as `pg_ctl stop -m fast` does to every session.
                    _ = try? await connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                    try await connection.query("INSERT INTO loss_probe VALUES (2)")
                }
            }
            #expect(error?.writeOutcome == .notApplied)
            #expect(error?.reason == .connectionLost)
            // Read back on a live connection: the pool may lend the ended one once more before it sees the close (that
            // statement fails as a 503 would, `connectionLost`, which is what a request meets right after a failover).
            var count: Int?
            for _ in 0..<3 where count == nil {
                do {
                    count = try await database.query("SELECT count(*)::int FROM loss_probe").first?.decode(Int.self)
                } catch let lost as DatabaseUnavailable where lost.reason == .connectionLost {}
            }
            #expect(count == 0)
        }
    }

    @Test("a statement on a connection the server has already closed fails instead of waiting forever")
    func statementOnClosedConnectionFails() async throws {
        try await withDatabase { database in
            let error = await #expect(throws: DatabaseUnavailable.self) {
                try await database.transaction { connection in
                    _ = try? await connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                    // Let the close reach the client before the next statement is written.
                    try await connection.underlying.closeFuture.get()
                    try await connection.query("SELECT 1")
                }
            }
            #expect(error?.reason == .connectionLost)
        }
    }

    @Test("no pooled connection within the lease deadline is a pool-exhausted unavailability")
    func leaseDeadline() async throws {
        try await withDatabase(leaseTimeout: .seconds(1)) { database in
            // Four connections open (retried: opening them may outlast the deadline on a busy machine)...
            var warm = false
            for _ in 0..<30 where !warm {
                warm = await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<4 { group.addTask { (try? await database.query("SELECT pg_sleep(0.2)")) != nil } }
                    return await group.allSatisfy { $0 }
                }
            }
            try #require(warm)
            // ...then all held; the fifth statement waits for the deadline and gives up.
            try await withThrowingTaskGroup(of: Void.self) { holders in
                for _ in 0..<4 {
                    // A holder that cannot lease in time on a loaded machine is the pool being full too.
                    holders.addTask { do { try await database.query("SELECT pg_sleep(6)") } catch is DatabaseUnavailable {} }
                }
                // Asked again until the holders have all leased (on a loaded machine that may take a while): what
                // is asserted is the refusal once the pool is full, not how soon it fills.
                var refusal: DatabaseUnavailable?
                for _ in 0..<8 where refusal == nil {
                    try await Task.sleep(for: .milliseconds(500))
                    do { _ = try await database.query("SELECT 1") } catch let error as DatabaseUnavailable { refusal = error }
                }
                #expect(refusal?.reason == .poolExhausted)
                try await holders.waitForAll()
            }
            // The abandoned lease request left the pool usable. Asked a few times: with a 1 s lease, a loaded machine
            // (the whole suite in parallel) once took longer than that to hand a freed connection back.
            var one: Int?
            for _ in 0..<10 where one == nil {
                do { one = try await database.query("SELECT 1").first?.decode(Int.self) } catch is DatabaseUnavailable {}
            }
            #expect(one == 1)
        }
    }
}
