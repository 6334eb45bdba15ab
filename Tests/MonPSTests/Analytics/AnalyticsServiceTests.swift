import Foundation
import Testing
@testable import MonPS

/// The service's rules without a database: range resolution against the injected clock, ownership, currencies.
@Suite("Analytics service: ranges, ownership and currencies")
struct AnalyticsServiceTests {
    final class StubRepository: AnalyticsRepository, @unchecked Sendable {
        var rows: [BreakdownRow] = []
        var seenFilter: AnalyticsFilter?
        let owned: Set<UUID>
        init(owned: Set<UUID> = []) { self.owned = owned }

        func timeZone(owner: UUID) async throws -> String { "Europe/Paris" }
        func ownsBankroll(_ id: UUID, owner: UUID) async throws -> Bool { owned.contains(id) }
        func breakdown(owner: UUID, filter: AnalyticsFilter, by: BreakdownDimension, timeZone: String) async throws -> [BreakdownRow] {
            seenFilter = filter
            return rows
        }
        func heatmap(owner: UUID, filter: AnalyticsFilter, clock: HeatmapClock, timeZone: String) async throws -> [HeatmapRow] { [] }
        func winRate(owner: UUID, filter: AnalyticsFilter, period: AnalyticsPeriodLength, timeZone: String) async throws -> [WinRateRow] { [] }
        func clv(owner: UUID, filter: AnalyticsFilter) async throws -> [CLVRow] { [] }
        func ledgerFlows(
            owner: UUID, bankrollID: UUID?, currency: String?, from: Date?, to: Date?, interval: AnalyticsPeriodLength,
            timeZone: String
        ) async throws -> [CurveRow] { [] }
    }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func rangeCountsBackFromTheInjectedClock() async throws {
        let repository = StubRepository()
        let service = AnalyticsService(repository: repository, now: { Self.now })
        let result = try await service.breakdown(AnalyticsQuery(range: .month), by: .sport, owner: UUID())
        #expect(repository.seenFilter?.from == Self.now.addingTimeInterval(-30 * 86_400))
        #expect(result.period.from == Self.now.addingTimeInterval(-30 * 86_400) && result.period.timeZone == "Europe/Paris")
        // Explicit from wins over range.
        var query = AnalyticsQuery(range: .week)
        query.filter.from = Date(timeIntervalSince1970: 0)
        _ = try await service.breakdown(query, by: .sport, owner: UUID())
        #expect(repository.seenFilter?.from == Date(timeIntervalSince1970: 0))
        // A `to` not after `from` is an empty window, as everywhere in the API (never a 400).
        query.filter.to = Date(timeIntervalSince1970: 0)
        _ = try await service.breakdown(query, by: .sport, owner: UUID())
        #expect(repository.seenFilter?.to == Date(timeIntervalSince1970: 0))
    }

    @Test func currenciesAreNeverMixed() async throws {
        let repository = StubRepository()
        repository.rows = [
            BreakdownRow(currency: "EUR", key: "bet365", sums: FigureSums(bets: 1, staked: 100, profit: 10)),
            BreakdownRow(currency: "GBP", key: "bet365", sums: FigureSums(bets: 1, staked: 100, profit: 10)),
        ]
        let service = AnalyticsService(repository: repository, now: { Self.now })
        await #expect(throws: AnalyticsError.mixedCurrencies(["EUR", "GBP"])) {
            try await service.breakdown(AnalyticsQuery(), by: .bookmaker, owner: UUID())
        }
        repository.rows.removeLast()
        let result = try await service.breakdown(AnalyticsQuery(), by: .bookmaker, owner: UUID())
        #expect(result.period.currency == "EUR" && result.total.staked == 100)
    }

    @Test func anotherUsersBankrollIsNotFound() async throws {
        let mine = UUID()
        let service = AnalyticsService(repository: StubRepository(owned: [mine]), now: { Self.now })
        var query = AnalyticsQuery()
        query.filter.bankrollID = UUID()
        await #expect(throws: AnalyticsError.bankrollNotFound) { try await service.heatmap(query, clock: .placed, owner: UUID()) }
        query.filter.bankrollID = mine
        let heatmap = try await service.heatmap(query, clock: .placed, owner: UUID())
        #expect(heatmap.cells.count == 168 && heatmap.cells[25].weekday == 2 && heatmap.cells[25].hour == 1)
    }
}
