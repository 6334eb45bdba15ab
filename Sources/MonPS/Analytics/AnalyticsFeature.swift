import Foundation

/// Everything the analytics endpoints use, built from the process's services in one place so that the shared
/// wiring files (`APIHandler`, `Application+build`) carry one line for the whole feature.
struct AnalyticsFeature: Sendable {
    let service: AnalyticsService
    let exporters: Exporters
    let history: OpportunityHistoryRepository
    let admin: AdminAnalytics
    let counter: RequestCounter
    let now: @Sendable () -> Date

    init(services: AppServices, now: @escaping @Sendable () -> Date = Date.init) {
        // Read-only endpoints: the read replica when one is configured (`ReadRoutingMiddleware` decides per request).
        let database = services.readDatabase
        self.now = now
        service = AnalyticsService(repository: PostgresAnalyticsRepository(database: database), now: now)
        exporters = Exporters(database: database)
        history = OpportunityHistoryRepository(database: database)
        counter = RequestCounter(redis: services.redis, now: now)
        admin = AdminAnalytics(database: database, counter: counter, now: now)
    }
}
