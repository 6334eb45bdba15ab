import Foundation
import MonPSAPI
import Prometheus

/// Implements the generated `APIProtocol`. Each tag's operations live in their own extension file
/// (`SystemAPI.swift`, `SportsAPI.swift`, …) and stay thin: validate, call a repository or the core, map.
///
/// A class: the generated server captures the handler in every operation's closure, so a struct of this
/// many references was copied (and each reference retained and released) on every request — a tenth of
/// the CPU of a small response.
final class APIHandler: APIProtocol {
    let sports: any SportsRepository
    let events: any EventRepository
    let bankrolls: BankrollService
    let userSettings: SettingsService
    let bets: BetService
    let manualSettlement: ManualSettlement
    let importer: HistoricalImporter
    let jobs: JobRunner
    let platform: PlatformSettingsStore
    let opportunityService: OpportunityService
    let shares: ShareService
    let backtests: BacktestRepository
    let auth: AuthServices
    let readiness: ReadinessProbe
    let registry: PrometheusCollectorRegistry
    let document: OpenAPIDocument
    let analytics: AnalyticsFeature
    let notifications: NotificationFeature
    /// Shared responses, dropped by tag where a handler's change makes them stale.
    let responseCache: ResponseCache
    /// The process clock (`AppServices.now`).
    let now: @Sendable () -> Date

    init(
        sports: any SportsRepository,
        events: any EventRepository,
        bankrolls: BankrollService,
        userSettings: SettingsService,
        bets: BetService,
        manualSettlement: ManualSettlement,
        importer: HistoricalImporter,
        jobs: JobRunner,
        platform: PlatformSettingsStore,
        opportunityService: OpportunityService,
        shares: ShareService,
        backtests: BacktestRepository,
        auth: AuthServices,
        readiness: ReadinessProbe,
        registry: PrometheusCollectorRegistry,
        document: OpenAPIDocument,
        analytics: AnalyticsFeature,
        notifications: NotificationFeature,
        responseCache: ResponseCache,
        now: @escaping @Sendable () -> Date
    ) {
        self.sports = sports
        self.events = events
        self.bankrolls = bankrolls
        self.userSettings = userSettings
        self.bets = bets
        self.manualSettlement = manualSettlement
        self.importer = importer
        self.jobs = jobs
        self.platform = platform
        self.opportunityService = opportunityService
        self.shares = shares
        self.backtests = backtests
        self.auth = auth
        self.readiness = readiness
        self.registry = registry
        self.document = document
        self.analytics = analytics
        self.notifications = notifications
        self.responseCache = responseCache
        self.now = now
    }
}
