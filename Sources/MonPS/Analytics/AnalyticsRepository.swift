import Foundation
import MonPSCore

/// The aggregates behind the analytics endpoints, always for one owner and grouped by currency (the service refuses
/// to mix currencies). Implementations compute in the database: nothing here loads every bet.
protocol AnalyticsRepository: Sendable {
    /// The user's zone for local buckets (`UTC` until the user saves settings).
    func timeZone(owner: UUID) async throws -> String
    /// Whether the owner has this bankroll.
    func ownsBankroll(_ id: UUID, owner: UUID) async throws -> Bool
    func breakdown(owner: UUID, filter: AnalyticsFilter, by: BreakdownDimension, timeZone: String) async throws -> [BreakdownRow]
    func heatmap(owner: UUID, filter: AnalyticsFilter, clock: HeatmapClock, timeZone: String) async throws -> [HeatmapRow]
    func winRate(owner: UUID, filter: AnalyticsFilter, period: AnalyticsPeriodLength, timeZone: String) async throws -> [WinRateRow]
    func clv(owner: UUID, filter: AnalyticsFilter) async throws -> [CLVRow]
    /// Ledger flows per local interval of the owner's bankrolls in scope (`bankrollID`, `currency`), from the first
    /// entry on (so that opening balances and peaks see all of the history) to `to`; `inRange` marks the intervals
    /// from the one holding `from`.
    func ledgerFlows(
        owner: UUID, bankrollID: UUID?, currency: String?, from: Date?, to: Date?, interval: AnalyticsPeriodLength,
        timeZone: String
    ) async throws -> [CurveRow]
}
