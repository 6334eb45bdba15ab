import Foundation

/// Everything the analytics endpoints use, built from the process's services in one place so that the shared
/// wiring files (`APIHandler`, `Application+build`) carry one line for the whole feature.
struct AnalyticsFeature: Sendable {
    let service: AnalyticsService
    let exporters: Exporters
    let history: OpportunityHistoryService
    let admin: AdminAnalytics
    let counter: RequestCounter
    let now: @Sendable () -> Date

    init(services: AppServices) {
        // Read-only endpoints: the read replica when one is configured (`ReadRoutingMiddleware` decides per request).
        let database = services.readDatabase
        let now = services.now
        self.now = now
        service = AnalyticsService(repository: PostgresAnalyticsRepository(database: database), now: now)
        exporters = Exporters(database: database)
        history = OpportunityHistoryService(repository: OpportunityHistoryRepository(database: database), now: now)
        counter = RequestCounter(redis: services.redis, now: now)
        admin = AdminAnalytics(database: database, counter: counter, now: now)
    }
}
