import Foundation
import MonPSCore

/// The rules of the analytics: range resolution against an injected clock, ownership of a named bankroll, one
/// currency per answer, and the figures derived from the repository's aggregates. Throws `AnalyticsError`.
struct AnalyticsService: Sendable {
    let repository: any AnalyticsRepository
    /// The clock `range=7d|30d|90d` counts back from.
    let now: @Sendable () -> Date

    /// The filter with `range` turned into `from` (explicit `from`/`to` win), checked. A `to` not after `from` is
    /// an empty window, as everywhere in the API.
    /// The owner's bankroll exists; `AnalyticsError.bankrollNotFound` for anyone else's.
    func requireBankroll(_ id: UUID, owner: UUID) async throws {
        guard try await repository.ownsBankroll(id, owner: owner) else { throw AnalyticsError.bankrollNotFound }
    }

    func resolve(_ query: AnalyticsQuery, owner: UUID) async throws -> AnalyticsFilter {
        var filter = query.filter
        if filter.from == nil, let days = query.range?.days {
            filter.from = now().addingTimeInterval(-Double(days) * 86_400)
        }
        if let bankroll = filter.bankrollID {
            let owned = try await repository.ownsBankroll(bankroll, owner: owner)
            guard owned else { throw AnalyticsError.bankrollNotFound }
        }
        return filter
    }

    func breakdown(_ query: AnalyticsQuery, by: BreakdownDimension, owner: UUID) async throws -> BreakdownResult {
        let filter = try await resolve(query, owner: owner)
        let zone = try await repository.timeZone(owner: owner)
        let rows = try await repository.breakdown(owner: owner, filter: filter, by: by, timeZone: zone)
        let currency = try Self.singleCurrency(rows.map(\.currency))
        var groups = rows.map { BreakdownResult.Group(key: $0.key, label: Self.label(by, $0.key), sums: $0.sums) }
        switch by {
        case .oddsBand, .weekday:
            groups.sort { Int($0.key ?? "") ?? 0 < Int($1.key ?? "") ?? 0 }
        case .month:
            groups.sort { ($0.key ?? "") < ($1.key ?? "") }
        default:
            // Largest stake first; ties by key so equal inputs give equal (cacheable) bodies.
            groups.sort { ($0.sums.staked, $1.key ?? "") > ($1.sums.staked, $0.key ?? "") }
        }
        return BreakdownResult(
            by: by, period: AnalyticsPeriod(from: filter.from, to: filter.to, timeZone: zone, currency: currency),
            groups: groups, total: rows.reduce(FigureSums()) { $0 + $1.sums })
    }

    func heatmap(_ query: AnalyticsQuery, clock: HeatmapClock, owner: UUID) async throws -> HeatmapResult {
        let filter = try await resolve(query, owner: owner)
        let zone = try await repository.timeZone(owner: owner)
        let rows = try await repository.heatmap(owner: owner, filter: filter, clock: clock, timeZone: zone)
        let currency = try Self.singleCurrency(rows.map(\.currency))
        var cells = (1...7).flatMap { day in (0..<24).map { HeatmapResult.Cell(weekday: day, hour: $0) } }
        var unplaced = 0
        for row in rows {
            guard let day = row.weekday, let hour = row.hour, (1...7).contains(day), (0..<24).contains(hour) else {
                unplaced += row.bets
                continue
            }
            let index = (day - 1) * 24 + hour
            cells[index].bets += row.bets
            cells[index].staked += row.staked
            cells[index].profit += row.profit
        }
        return HeatmapResult(
            clock: clock, period: AnalyticsPeriod(from: filter.from, to: filter.to, timeZone: zone, currency: currency),
            cells: cells, unplaced: unplaced)
    }

    func winRate(_ query: AnalyticsQuery, length: AnalyticsPeriodLength, owner: UUID) async throws -> WinRateResult {
        let filter = try await resolve(query, owner: owner)
        let zone = try await repository.timeZone(owner: owner)
        let rows = try await repository.winRate(owner: owner, filter: filter, period: length, timeZone: zone)
        let currency = try Self.singleCurrency(rows.map(\.currency))
        return WinRateResult(
            length: length, period: AnalyticsPeriod(from: filter.from, to: filter.to, timeZone: zone, currency: currency),
            points: rows.map { WinRateResult.Point(start: $0.start, sums: $0.sums, expectedHitRate: $0.expectedHitRate) })
    }

    func clv(_ query: AnalyticsQuery, owner: UUID) async throws -> CLVResult {
        let filter = try await resolve(query, owner: owner)
        let zone = try await repository.timeZone(owner: owner)
        let rows = try await repository.clv(owner: owner, filter: filter)
        let currency = try Self.singleCurrency(rows.map(\.currency))
        var bins = (0..<Bands.clvHistogram.count).map { CLVResult.Bin(index: $0) }
        var buckets = (0..<Bands.clvYield.count).map { CLVResult.Bucket(index: $0) }
        var count = 0, sum = 0.0, squares = 0.0, beat = 0
        for row in rows {
            bins[row.bin].bets += row.bets
            buckets[row.bucket].bets += row.bets
            buckets[row.bucket].staked += row.staked
            buckets[row.bucket].profit += row.profit
            buckets[row.bucket].clvSum += row.clvSum
            count += row.bets
            sum += row.clvSum
            squares += row.clvSquares
            beat += row.beatClose
        }
        return CLVResult(
            period: AnalyticsPeriod(from: filter.from, to: filter.to, timeZone: zone, currency: currency), bets: count,
            mean: count > 0 ? sum / Double(count) : nil,
            meanInterval: SampleStatistics.meanInterval(count: count, sum: sum, sumOfSquares: squares),
            beatCloseShare: count > 0 ? Double(beat) / Double(count) : nil, histogram: bins, byCLV: buckets)
    }

    /// Rows of one currency give it; none give `nil`; several are refused (never added up).
    static func singleCurrency(_ currencies: [String]) throws -> String? {
        let distinct = Set(currencies)
        guard distinct.count <= 1 else { throw AnalyticsError.mixedCurrencies(distinct.sorted()) }
        return distinct.first
    }

    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func label(_ by: BreakdownDimension, _ key: String?) -> String {
        guard let key else { return "(none)" }
        switch by {
        case .oddsBand: return Int(key).map { Bands.odds.label($0) } ?? key
        case .weekday: return Int(key).flatMap { (1...7).contains($0) ? weekdays[$0 - 1] : nil } ?? key
        default: return key
        }
    }
}
