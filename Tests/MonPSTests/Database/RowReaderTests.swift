import Foundation
import PostgresNIO
import Testing

@testable import MonPS

/// Rows read by column name: the select list's order does not matter, and what is missing or unknown is a
/// reported storage fault, never a trap.
@Suite("Row reader", .hangGuard)
struct RowReaderTests {
    enum Colour: String { case red, green }

    static func row(_ sql: String) async throws -> PostgresRow {
        try await TestDatabases.withAdminClient { client in
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql))
            var collected: [PostgresRow] = []
            for try await row in rows { collected.append(row) }
            return try #require(collected.first)
        }
    }

    @Test func columnsAreReadByNameWhateverTheirOrder() async throws {
        let read = RowReader(try await Self.row("SELECT 'green' AS colour, 7::int8 AS n, NULL::text AS note"))
        #expect(try read("n", Int64.self) == 7)
        #expect(try read("colour", Colour.self) == .green)
        #expect(try read("note", String?.self) == nil)
        #expect(try read("note", Colour?.self) == nil)
        let shuffled = RowReader(try await Self.row("SELECT NULL::text AS note, 7::int8 AS n, 'red' AS colour"))
        #expect(try shuffled("n", Int64.self) == 7)
        #expect(try shuffled("colour", Colour?.self) == .red)
    }

    @Test func aMissingColumnOrAnUnknownValueIsAStorageFault() async throws {
        let read = RowReader(try await Self.row("SELECT 'blue' AS colour"))
        #expect(throws: StorageInvariantError.self) { try read("n", Int64.self) }
        let error = #expect(throws: StorageInvariantError.self) { try read("colour", Colour.self) }
        #expect(error?.description == #"colour holds "blue", which this version does not know"#)
    }
}
