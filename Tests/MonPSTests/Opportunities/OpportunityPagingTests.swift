import Foundation
import Testing

@testable import MonPS

@Suite("Opportunities list: every page shape (prepared and one-off) walks the whole order once", .hangGuard)
struct OpportunityPagingTests {
    /// Two sports, twelve opportunities with tied scores/edges/starts, so the id breaks ties across pages.
    static func seed(_ database: Database) async throws {
        try await database.query(
            """
            INSERT INTO participants (group_key, name) VALUES ('soccer', 'Paging Home'), ('soccer', 'Paging Away'),
                ('basketball', 'Paging Hoops'), ('basketball', 'Paging Dunks')
            """)
        for (sport, group) in [("soccer_epl", "soccer"), ("basketball_nba", "basketball")] {
            try await database.query(
                """
                INSERT INTO events (sport_key, home_id, away_id, starts_at)
                SELECT \(sport), min(id), max(id), date_trunc('hour', now()) + interval '1 day'
                FROM participants WHERE group_key = \(group) AND name LIKE 'Paging %'
                """)
        }
        try await database.query(
            """
            INSERT INTO opportunities (event_id, sport_key, market, point, outcome, bookmaker, price, captured_at,
                fair_probability, edge, score, verdict, agents, votes, prices, starts_at)
            SELECT e.id, e.sport_key, 'totals', n::float8, 'over', 'bet365', 2.0, now(), 0.55, (n % 3) / 100.0,
                50 + n % 2, 'analyze', ARRAY['sharp_value'], '[]', '{}', e.starts_at + (n % 4) * interval '1 hour'
            FROM events e CROSS JOIN generate_series(1, 6) AS n
            """)
    }

    static func walk(
        _ repository: PostgresOpportunityRepository, _ filter: OpportunityFilter, pageSize: Int
    ) async throws -> [OpportunityRecord] {
        var all: [OpportunityRecord] = []
        var after: (value: Double, id: UUID)?
        while true {
            let page = try await repository.list(filter, after: after, limit: pageSize)
            all += page
            guard page.count == pageSize, let last = page.last else { return all }
            let value: Double = switch filter.sort {
            case .score: last.score
            case .edge: last.edge
            case .start: last.startsAt.timeIntervalSince1970
            }
            after = (value, last.id)
        }
    }

    static func expectedOrder(_ records: [OpportunityRecord], _ sort: OpportunityFilter.Sort) -> [UUID] {
        records.sorted { a, b in
            switch sort {
            case .score: a.score != b.score ? a.score > b.score : a.id.uuidString.lowercased() > b.id.uuidString.lowercased()
            case .edge: a.edge != b.edge ? a.edge > b.edge : a.id.uuidString.lowercased() > b.id.uuidString.lowercased()
            case .start:
                a.startsAt != b.startsAt ? a.startsAt < b.startsAt : a.id.uuidString.lowercased() < b.id.uuidString.lowercased()
            }
        }.map(\.id)
    }

    @Test(arguments: [OpportunityFilter.Sort.score, .edge, .start])
    func pagesMatchTheFullOrder(sort: OpportunityFilter.Sort) async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let database = app.services.database
            try await Self.seed(database)
            let repository = PostgresOpportunityRepository(database: database)
            for sport in [nil, "soccer_epl"] as [String?] {
                var filter = OpportunityFilter(sport: sport)
                filter.sort = sort
                let everything = try await repository.list(filter, after: nil, limit: OpportunityPageQuery.maximumRows)
                #expect(everything.count == (sport == nil ? 12 : 6))
                #expect(everything.allSatisfy { sport == nil || $0.sport == sport })
                #expect(everything.allSatisfy { $0.votesJSON == nil && $0.home.hasPrefix("Paging") })
                #expect(everything.map(\.id) == Self.expectedOrder(everything, sort))
                for size in [1, 5] {
                    #expect(try await Self.walk(repository, filter, pageSize: size).map(\.id) == everything.map(\.id))
                }
                // Another filter: the one-off statement, same order.
                filter.market = "totals"
                #expect(try await Self.walk(repository, filter, pageSize: 4).map(\.id) == everything.map(\.id))
                filter.minEdge = 0.015
                #expect(try await Self.walk(repository, filter, pageSize: 4).map(\.id) == everything.filter { $0.edge >= 0.015 }.map(\.id))
            }
            let first = try #require(try await repository.list(.init(), after: nil, limit: 1).first)
            let detail = try #require(try await repository.get(id: first.id))
            #expect(detail.votesJSON == "[]" && detail.pricesJSON == "{}")
        }
    }
}
