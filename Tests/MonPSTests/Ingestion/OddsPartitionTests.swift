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
            try await database.transaction { load in
                // A load in flight: it has written a price (ROW EXCLUSIVE on odds_snapshots) and not committed.
                _ = try await load.query(
                    "INSERT INTO odds_snapshots VALUES (1, 1, 'h2h', 'home', NULL, 2.0, now(), 'test')")
                // Another connection makes two months. CREATE TABLE … PARTITION OF would wait for the load's lock
                // until it ends; `lock_timeout` (time spent waiting for locks only) turns such a wait into a failure
                // rather than a hang, however slow the machine.
                let created = try await database.withDedicatedConnection { other in
                    _ = try await other.query("SET lock_timeout = '2s'")
                    return try await other.query(
                        "SELECT ensure_odds_partitions('2041-03-05', '2041-04-20')").first?.decode(Int.self)
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

    /// An import makes the months of the prices it stores, not those of prices it rejects.
    @Test func anImportMakesTheMonthsOfItsAcceptedPricesOnly() async throws {
        let app = try await TestApp.make()
        let csv = """
            sport_key,competition,event_id,starts_at,home,away,bookmaker,market,outcome,point,price,captured_at,is_closing
            esports_lol,LEC,months-1,2024-06-15T16:00:00Z,G2 Esports,Fnatic,pinnacle,h2h,home,,1.55,2024-06-14T16:00:00Z,false
            esports_lol,LEC,months-1,2024-06-15T16:00:00Z,G2 Esports,Fnatic,pinnacle,h2h,away,,2.45,2021-01-10T00:00:00Z,false
            """
        let importer = HistoricalImporter(loader: OddsLoader(database: app.services.database, logger: TestEnvironment.logger))
        let exists = try await app.services.withRunningDatabase {
            let reports = try await importer.run(
                [ImportFile(source: .genericCSV, name: "months.csv", bytes: Array(csv.utf8))], strict: false)
            #expect(reports.first?.load.snapshotsAdded == 1)  // the 2021 price is rejected: more than a year from the start
            return try await app.services.database.query(
                "SELECT to_regclass('odds_snapshots_2024_06') IS NOT NULL, to_regclass('odds_snapshots_2021_01') IS NOT NULL"
            ).first?.decode((Bool, Bool).self)
        }
        #expect(exists?.0 == true && exists?.1 == false)
    }
}
