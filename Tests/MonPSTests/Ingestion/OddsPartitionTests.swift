import Foundation
import PostgresNIO
import Testing

@testable import MonPS

@Suite("Odds partitions: made beside running loads, without waiting for them", .hangGuard)
struct OddsPartitionTests {
    @Test func aMonthIsAttachedWhileALoadIsWriting() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let database = app.services.database
            let logger = TestEnvironment.logger
            try await database.transaction { load in
                // A load in flight: it has written a price (ROW EXCLUSIVE on odds_snapshots) and not committed.
                _ = try await load.query(
                    "INSERT INTO odds_snapshots VALUES (1, 1, 'h2h', 'home', NULL, 2.0, now(), 'test')", logger: logger
                ).collect()
                // Another connection makes two months. CREATE TABLE … PARTITION OF would wait for the load to end;
                // the timeout turns such a wait into a failure rather than a hang.
                let created = try await database.withDedicatedConnection { other in
                    _ = try await other.query("SET statement_timeout = '10s'", logger: logger).collect()
                    return try await other.query(
                        "SELECT ensure_odds_partitions('2041-03-05', '2041-04-20')", logger: logger
                    ).collect().first?.decode(Int.self)
                }
                #expect(created == 2)
            }
            #expect(try await database.count(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'odds_snapshots'::regclass AND inhrelid::regclass::text LIKE 'odds_snapshots_2041_%'") == 2)
            // The parent's unique index adopted on the partition (not built a second time), serving ON CONFLICT.
            #expect(try await database.count("SELECT count(*) FROM pg_indexes WHERE tablename = 'odds_snapshots_2041_03'") == 1)
            for _ in 0..<2 {
                try await database.query(
                    """
                    INSERT INTO odds_snapshots VALUES (7, 1, 'totals', 'over', 2.5, 1.9, '2041-03-10T12:00:00Z', 'test')
                    ON CONFLICT DO NOTHING
                    """)
            }
            let rows = try await database.query("SELECT tableoid::regclass::text FROM odds_snapshots WHERE event_id = 7")
            #expect(try rows.map { try $0.decode(String.self) } == ["odds_snapshots_2041_03"])
            // Made once: a second call finds them and creates nothing.
            let again = try await database.query("SELECT ensure_odds_partitions('2041-03-01', '2041-04-30')")
            #expect(try again.first?.decode(Int.self) == 0)
        }
    }
}
