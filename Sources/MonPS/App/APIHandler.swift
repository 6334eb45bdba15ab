import Foundation
import MonPSAPI
import Prometheus

/// Implements the generated `APIProtocol`. Each tag's operations live in their own extension file
/// (`SystemAPI.swift`, `SportsAPI.swift`, …) and stay thin: map the generated types to and from a feature's service.
///
/// A class: the generated server captures the handler in every operation's closure, so a struct of this
/// many references was copied (and each reference retained and released) on every request — a tenth of
/// the CPU of a small response.
final class APIHandler: APIProtocol {
    let sports: SportService
    let events: EventService
    let bankrolls: BankrollService
    let userSettings: SettingsService
    let bets: BetService
    let manualSettlement: ManualSettlement
    let imports: ImportService
    let oddsFeed: OddsFeedService
    let jobs: JobRunner
    let platform: PlatformSettingsStore
    let opportunityService: OpportunityService
    let shares: ShareService
    let backtests: BacktestService
    let auth: AuthServices
    let readiness: ReadinessProbe
    let registry: PrometheusCollectorRegistry
    let document: OpenAPIDocument
    let analytics: AnalyticsFeature
    let notifications: NotificationFeature
    /// The process clock (`AppServices.now`).
    let now: @Sendable () -> Date

    init(
        sports: SportService,
        events: EventService,
        bankrolls: BankrollService,
        userSettings: SettingsService,
        bets: BetService,
        manualSettlement: ManualSettlement,
        imports: ImportService,
        oddsFeed: OddsFeedService,
        jobs: JobRunner,
        platform: PlatformSettingsStore,
        opportunityService: OpportunityService,
        shares: ShareService,
        backtests: BacktestService,
        auth: AuthServices,
        readiness: ReadinessProbe,
        registry: PrometheusCollectorRegistry,
        document: OpenAPIDocument,
        analytics: AnalyticsFeature,
        notifications: NotificationFeature,
        now: @escaping @Sendable () -> Date
    ) {
        self.sports = sports
        self.events = events
        self.bankrolls = bankrolls
        self.userSettings = userSettings
        self.bets = bets
        self.manualSettlement = manualSettlement
        self.imports = imports
        self.oddsFeed = oddsFeed
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
        self.now = now
    }
}
