import Foundation
import HTTPTypes
import HummingbirdTesting
import MonPSAPI
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import Testing

@testable import MonPS

@Suite("Opportunities list from stored entries: the same JSON as the generated handler", .hangGuard)
struct OpportunityListingTests {
    /// Names needing JSON escapes, a h2h without line or competition, awkward doubles, fractional seconds that
    /// round up to the next second.
    static func seed(_ database: Database) async throws {
        try await database.query(
            """
            INSERT INTO participants (group_key, name) VALUES ('soccer', 'Quote "Q" FC'), ('soccer', 'Back\\slash / Ünïcødé'),
                ('soccer', 'Tab	Town'), ('soccer', 'Plain United')
            """)
        try await database.query(
            """
            INSERT INTO events (sport_key, home_id, away_id, starts_at)
            SELECT 'soccer_epl', (SELECT id FROM participants WHERE name LIKE 'Quote%'),
                   (SELECT id FROM participants WHERE name LIKE 'Back%'), timestamptz '2031-05-02 14:59:59.9996+00'
            UNION ALL
            SELECT 'soccer_epl', (SELECT id FROM participants WHERE name LIKE 'Tab%'),
                   (SELECT id FROM participants WHERE name LIKE 'Plain%'), timestamptz '2031-05-03 20:00:00.123456+00'
            """)
        try await database.query(
            """
            INSERT INTO opportunities (event_id, sport_key, competition, market, point, outcome, bookmaker, price,
                captured_at, fair_probability, edge, score, verdict, agents, votes, prices, starts_at, detected_at, updated_at)
            SELECT e.id, 'soccer_epl', CASE WHEN n % 2 = 0 THEN 'E0' END,
                CASE WHEN n % 3 = 0 THEN 'h2h' WHEN n % 3 = 1 THEN 'spreads' ELSE 'totals' END,
                CASE WHEN n % 3 = 0 THEN NULL WHEN n % 3 = 1 THEN -0.25 - n ELSE 0.5 + n END,
                CASE n WHEN 3 THEN 'draw' WHEN 6 THEN 'away' ELSE CASE WHEN n % 3 = 1 THEN 'home' ELSE 'over' END END,
                'book"' || n, 1.0 + 1.0 / 3 + n, now(), (0.1::float8 + 0.2) / (1 + n), 1e-7 * n - 0.0003, 100.0 / 3 + n,
                CASE WHEN n % 2 = 0 THEN 'analyze' ELSE 'caution' END,
                CASE WHEN n % 2 = 0 THEN ARRAY['sharp_value', 'steam'] ELSE ARRAY[]::text[] END, '[]', '{}',
                e.starts_at, timestamptz '2031-05-01 10:00:00.9995+00', timestamptz '2031-05-01 10:00:00.9994+00'
            FROM events e CROSS JOIN generate_series(1, 6) AS n WHERE e.sport_key = 'soccer_epl'
            """)
        // Rows written by SQL get their entries as a detection run's do.
        #expect(try await writeMissing(database) == 12)
    }

    @discardableResult
    static func writeMissing(_ database: Database) async throws -> Int {
        try await OpportunityListingStore.writeMissing(in: database, renderer: .api, logger: TestEnvironment.logger)
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The stored entries by id (rows without one left out).
    static func rawEntries(_ database: Database) async throws -> [UUID: String] {
        var entries: [UUID: String] = [:]
        for row in try await database.query("SELECT id, listing FROM opportunities WHERE listing IS NOT NULL") {
            let (id, listing) = try row.decode((UUID, String).self)
            entries[id] = listing
        }
        return entries
    }

    /// Every active row's entry, decoded through the generated type, by id; an active row without one fails the test.
    static func entries(_ database: Database) async throws -> [UUID: Components.Schemas.Opportunity] {
        let stored = try await rawEntries(database)
        var entries: [UUID: Components.Schemas.Opportunity] = [:]
        for row in try await database.query("SELECT id FROM opportunities WHERE status = 'active'") {
            let id = try row.decode(UUID.self)
            entries[id] = try decoder.decode(Components.Schemas.Opportunity.self, from: Data(try #require(stored[id]).utf8))
        }
        return entries
    }

    @Test func entriesAreTheGeneratedTypesOfTheRecords() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let database = app.services.database
            try await Self.seed(database)
            let records = try await PostgresOpportunityRepository(database: database).list(
                .init(), after: nil, limit: OpportunityPageQuery.maximumRows)
            #expect(records.count == 12)
            let stored = try await Self.rawEntries(database)
            for record in records {
                // What the generated handler sends for the record, to the byte.
                let sent = try await Self.handlerJSON(Components.Schemas.Opportunity(record))
                #expect(stored[record.id] == sent)
            }
            let entries = try await Self.entries(database)
            // The escapes, the optional values left out, the dates (14:59:59.9996 is written 15:00:00).
            let raw = try #require(try await database.query(
                "SELECT listing FROM opportunities WHERE market = 'h2h' AND competition IS NULL LIMIT 1").first?.decode(String.self))
            #expect(!raw.contains("\"point\"") && !raw.contains("\"competition\""))
            let quoted = try #require(entries.values.first { $0.home.hasPrefix("Quote") })
            #expect(quoted.home == #"Quote "Q" FC"# && quoted.away == "Back\\slash / Ünïcødé")
            #expect(quoted.startsAt == Date(timeIntervalSince1970: 1_935_500_400))  // 2031-05-02T15:00:00Z
            #expect(quoted.detectedAt == Date(timeIntervalSince1970: 1_935_396_001))  // …10:00:00.9995 → 10:00:01
            #expect(quoted.updatedAt == Date(timeIntervalSince1970: 1_935_396_000))  // …10:00:00.9994 → 10:00:00
            #expect(entries.values.contains { $0.home == "Tab\tTown" })
            // Nothing left to write.
            #expect(try await Self.writeMissing(database) == 0)
        }
    }

    /// The generated server's body for a value: its converter, configured as `buildApplication` configures it.
    static func handlerJSON(_ value: some Encodable & Sendable) async throws -> String {
        var fields = HTTPFields()
        let body = try Converter(configuration: APIJSON.configuration).setResponseBodyAsJSON(
            value, headerFields: &fields, contentType: "application/json; charset=utf-8")
        return String(decoding: try await ArraySlice<UInt8>(collecting: body, upTo: 1 << 20), as: UTF8.self)
    }

    @Test func aChangeDropsTheEntryAndOnlyActiveRowsHaveOne() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let database = app.services.database
            try await Self.seed(database)
            let id = try #require(try await database.query("SELECT id FROM opportunities ORDER BY id LIMIT 1").first?.decode(UUID.self))
            // A change of what the entry shows, by a writer that writes no entry: the entry is dropped, not left stale…
            try await database.query("UPDATE opportunities SET price = 7.25, agents = ARRAY['consensus_anomaly'] WHERE id = \(id)")
            #expect(try await Self.rawEntries(database)[id] == nil)
            #expect(try await database.count("SELECT count(*) FROM opportunities WHERE listing IS NOT NULL") == 11)
            // …and the next write puts the new values in.
            #expect(try await Self.writeMissing(database) == 1)
            var entry = try #require(try await Self.entries(database)[id])
            #expect(entry.price == 7.25 && entry.agents == ["consensus_anomaly"])
            // A change of what the entry does not show (grading) keeps it.
            try await database.query("UPDATE opportunities SET grade = 'won', graded_at = now() WHERE id = \(id)")
            #expect(try await Self.rawEntries(database)[id] != nil)
            // Only active rows have one, and none is written for the others.
            try await database.query("UPDATE opportunities SET status = 'withdrawn' WHERE id = \(id)")
            #expect(try await database.count("SELECT count(*) FROM opportunities WHERE listing IS NOT NULL") == 11)
            #expect(try await Self.writeMissing(database) == 0)
            try await database.query("UPDATE opportunities SET status = 'active', price = 8 WHERE id = \(id)")
            #expect(try await Self.writeMissing(database) == 1)
            entry = try #require(try await Self.entries(database)[id])
            #expect(entry.price == 8 && entry.status == .active)
            // An entry written by hand with a change of what it shows is kept: the writer wrote it.
            try await database.query("UPDATE opportunities SET price = 9, listing = 'x' WHERE id = \(id)")
            #expect(try await Self.rawEntries(database)[id] == "x")
        }
    }

    @Test func aRowThatDoesNotRenderKeepsNoEntryAndTheOthersAreWritten() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let database = app.services.database
            try await Self.seed(database)
            try await database.query("UPDATE opportunities SET listing = NULL")
            let failing = OpportunityListingRenderer { record in
                if record.bookmaker == "book\"3" { throw TestFailure("unknown outcome") }
                return try OpportunityListingRenderer.api.render(record)
            }
            // Batches of 2,000 hold all twelve rows: the two of book"3 are skipped, the walk goes on past them.
            let written = try await OpportunityListingStore.writeMissing(
                in: database, renderer: failing, logger: TestEnvironment.logger)
            #expect(written == 10)
            #expect(try await database.count("SELECT count(*) FROM opportunities WHERE listing IS NULL") == 2)
        }
    }

    /// Walks every page of `query` (a path and query without `cursor`), returning the pages' items and cursors.
    static func walk(
        _ client: any TestClientProtocol, _ query: String, token: String
    ) async throws -> (items: [Components.Schemas.Opportunity], cursors: [String], bodies: [String]) {
        var items: [Components.Schemas.Opportunity] = [], cursors: [String] = [], bodies: [String] = []
        var cursor: String?
        repeat {
            let response = try await client.get(query + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
            try #require(response.status == .ok, "\(response.text)")
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let page = try decoder.decode(Components.Schemas.OpportunityPage.self, from: Data(response.body.readableBytesView))
            items += page.data
            bodies.append(response.text)
            #expect(response.text.contains(#""next_cursor":"#))  // null on the last page, never left out
            cursor = page.nextCursor?.value
            if let cursor { cursors.append(cursor) }
        } while cursor != nil
        return (items, cursors, bodies)
    }

    @Test(arguments: ["score", "edge", "start"])
    func pagesAreTheGeneratedHandlersPages(sort: String) async throws {
        let app = try await TestApp.make(overrides: ["MONPS_RESPONSE_CACHE": "false"])
        try await app.test { client in
            try await Self.seed(app.services.database)
            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            for size in [1, 5, 50] {
                let stored = try await Self.walk(client, "/v1/opportunities?sport=soccer_epl&sort=\(sort)&limit=\(size)", token: token)
                // `min_edge` (every edge is above −1) sends the same page to the generated handler.
                let generated = try await Self.walk(
                    client, "/v1/opportunities?sport=soccer_epl&sort=\(sort)&limit=\(size)&min_edge=-1", token: token)
                #expect(stored.items.count == 12)
                #expect(stored.items == generated.items)
                #expect(stored.cursors == generated.cursors)
                // Byte for byte: the entries are the generated encoder's output.
                #expect(stored.bodies == generated.bodies)
            }
        }
    }

    @Test func servedFromTheStoredEntriesOrElseByTheGeneratedHandler() async throws {
        let app = try await TestApp.make(overrides: ["MONPS_RESPONSE_CACHE": "false"])
        try await app.test { client in
            let database = app.services.database
            try await Self.seed(database)
            let token = try await TestAccounts(app: app, client: client).token(role: .viewer)
            let first = try #require(try await database.query(
                "SELECT id FROM opportunities ORDER BY score DESC, id DESC LIMIT 1").first?.decode(UUID.self))
            // The stored entry is what the common page serves…
            try await database.query(
                "UPDATE opportunities SET listing = replace(listing, '\"bookmaker\":\"', '\"bookmaker\":\"stored-') WHERE id = \(first)")
            let stored = try await client.get("/v1/opportunities?limit=2", token: token)
            #expect(try stored.json()["data"].flatMap { ($0 as? [[String: Any]])?.first?["bookmaker"] as? String }?.hasPrefix("stored-") == true)
            // A row without its entry just past the page (the row that only says there is a next page) changes nothing.
            let third = try #require(try await database.query(
                "SELECT id FROM opportunities ORDER BY score DESC, id DESC OFFSET 2 LIMIT 1").first?.decode(UUID.self))
            try await database.query("UPDATE opportunities SET listing = NULL WHERE id = \(third)")
            let beforeIt = try await client.get("/v1/opportunities?limit=2", token: token)
            #expect(try beforeIt.json()["data"].flatMap { ($0 as? [[String: Any]])?.first?["bookmaker"] as? String }?.hasPrefix("stored-") == true)
            #expect(try beforeIt.json()["next_cursor"] is String)
            #expect(try await Self.writeMissing(database) == 1)
            // …other filters go to the generated handler, which reads the columns.
            let filtered = try await client.get("/v1/opportunities?limit=2&verdict=analyze&sort=score", token: token)
            #expect(try filtered.json()["data"].flatMap { ($0 as? [[String: Any]])?.first?["bookmaker"] as? String }?.hasPrefix("book") == true)
            // A page with a row lacking its entry is left to the generated handler too, whole.
            try await database.query("UPDATE opportunities SET listing = NULL WHERE id = \(first)")
            let fallback = try await client.get("/v1/opportunities?limit=3", token: token)
            let items = try #require(try fallback.json()["data"] as? [[String: Any]])
            #expect(items.count == 3 && items.first?["id"] as? String == first.uuidString.lowercased())
            // Invalid values still get the generated handler's problems.
            for query in ["limit=0", "limit=201", "sort=luck", "cursor=nope"] {
                let response = try await client.get("/v1/opportunities?\(query)", token: token)
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(query)")
            }
            #expect(try await client.get("/v1/opportunities?limit=2").status == .unauthorized)
        }
    }

    @Test(arguments: [
        (nil, true), ("", true), ("sport=soccer_epl", true), ("sport=soccer_epl&sort=edge&limit=5", true),
        ("limit=200&sort=start", true), ("sport=a.b~c-d_e", true),
        ("min_edge=0.1", false), ("sport=soccer_epl&verdict=analyze", false), ("sport=a%20b", false), ("sport=a+b", false),
        ("sport=", false), ("sport", false), ("sport=a&sport=b", false), ("limit=0", false), ("limit=201", false),
        ("limit=0050", false), ("limit=-1", false), ("limit=x", false), ("sort=luck", false), ("cursor=nope", false),
        ("sport=a&&limit=2", false), ("foo=bar", false),
    ] as [(String?, Bool)])
    func requestShapesTheEntriesAnswer(query: String?, accepted: Bool) {
        #expect((OpportunityListingQuery(query) != nil) == accepted)
    }

    @Test func cursorQueryAndPageEnvelope() throws {
        let cursor = PageCursor.encode(OpportunityFilter.Sort.edge.cursorKey(
            score: 1, edge: 0.125, startsAt: .now, id: UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!))
        let query = try #require(OpportunityListingQuery("sort=edge&limit=7&cursor=\(cursor)"))
        #expect(query.filter.sort == .edge && query.page.limit == 7)
        #expect(query.after?.value == 0.125 && query.after?.id.uuidString.hasSuffix("AB") == true)
        // Envelope: the joined entries, the next cursor from the last entry's keys, or null.
        func page(_ count: Int, unlisted: Int = 0) -> OpportunityListingPage {
            let items = (1...count).prefix(7)
            return OpportunityListingPage(
                fetched: count, unlisted: unlisted,
                entries: ByteBuffer(string: items.map { #"{"n":\#($0)}"# }.joined(separator: ",")),
                last: OpportunityListingPage.Keys(
                    id: UUID(), score: Double(items.last!), edge: Double(items.last!), startsAt: .now))
        }
        let full = try #require(OpportunityListingMiddleware.page(page(8), request: query))
        let text = String(buffer: full)
        #expect(text.hasPrefix(#"{"data":[{"n":1},{"n":2},{"n":3},{"n":4},{"n":5},{"n":6},{"n":7}],"next_cursor":""#))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let next = try #require(object?["next_cursor"] as? String)
        #expect(try PageCursor.decode(next).first == "7.0")
        let short = try #require(OpportunityListingMiddleware.page(page(3), request: query))
        #expect(String(buffer: short) == #"{"data":[{"n":1},{"n":2},{"n":3}],"next_cursor":null}"#)
        let none = OpportunityListingPage(fetched: 0, unlisted: 0, entries: nil, last: nil)
        #expect(OpportunityListingMiddleware.page(none, request: query).map { String(buffer: $0) } == #"{"data":[],"next_cursor":null}"#)
        #expect(OpportunityListingMiddleware.page(page(3, unlisted: 1), request: query) == nil)
    }
}
