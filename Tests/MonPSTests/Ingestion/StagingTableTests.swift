import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Ingestion: staging tables made once per connection, empty at the start of every load", .hangGuard)
struct StagingTableTests {
    @Test func eachLoadFindsTheStagingTablesEmpty() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            try await app.services.database.withDedicatedConnection { connection in
                let logger = TestEnvironment.logger
                let statements = LoaderStatements(connection: connection, logger: logger, source: .file(.genericCSV))
                func sql(_ query: PostgresQuery) async throws -> [PostgresRow] {
                    try await connection.query(query)
                }
                func staged() async throws -> [Int] {
                    try await sql("SELECT (SELECT count(*) FROM stage_events)::int, (SELECT count(*) FROM stage_odds)::int")
                        .map { try $0.decode((Int, Int).self) }.flatMap { [$0.0, $0.1] }
                }
                func stageRows(seq: Int) async throws {
                    _ = try await sql(
                        """
                        INSERT INTO stage_events (seq, external_id, sport_key, group_key, home_name, home_alias, away_name,
                            away_alias, starts_at)
                        VALUES (\(seq), 'x', 'soccer_epl', 'soccer', 'A', 'a', 'B', 'b', now())
                        """)
                    _ = try await sql("INSERT INTO stage_odds VALUES (1, 1, 'h2h', 'home', NULL, 2.0, now())")
                }
                // Committed loads: the second reuses the tables (same relation), emptied by the first's commit.
                var tables: Set<Int> = []
                for _ in 0..<2 {
                    _ = try await sql("BEGIN")
                    try await statements.createStaging()
                    tables.insert(try await sql("SELECT 'stage_events'::regclass::oid::int8").first?.decode(Int.self) ?? 0)
                    #expect(try await staged() == [0, 0])
                    try await stageRows(seq: 1)
                    #expect(try await staged() == [1, 1])
                    _ = try await sql("COMMIT")
                }
                #expect(tables.count == 1)
                // A load that failed (rolled back), then another: nothing of the failed one is left.
                _ = try await sql("BEGIN")
                try await statements.createStaging()
                try await stageRows(seq: 1)
                _ = try await sql("ROLLBACK")
                _ = try await sql("BEGIN")
                try await statements.createStaging()
                #expect(try await staged() == [0, 0])
                _ = try await sql("COMMIT")
            }
        }
    }
}
