import Foundation

/// `opportunities.detect`: re-examines upcoming events (after every odds collection, and on its own schedule so
/// opportunities expire at kick-off and agents' switches take effect).
struct DetectionJob: Job {
    let detector: OpportunityDetector
    let cache: ResponseCache?
    var interval: Duration = .seconds(300)

    var name: String { "opportunities.detect" }
    var summary: String { "Runs the enabled detection agents over current prices and keeps the opportunities" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        let result = try await detector.detect(now: context.now(), refreshing: cache)
        return JobOutcome(
            items: result.active,
            message: "\(result.events) event(s) examined: \(result.active) active, \(result.withdrawn) withdrawn, \(result.expired) expired")
    }
}

extension OpportunityDetector {
    /// A detection run (over `eventIDs`, else every upcoming event), then the cached opportunity lists dropped so
    /// readers see it at once. Best effort: with Redis away the lists still refresh when their entries expire.
    func detect(eventIDs: [Int64]? = nil, now: Date, refreshing cache: ResponseCache?) async throws -> Summary {
        let summary = try await detect(eventIDs: eventIDs, now: now)
        try? await cache?.invalidate(tag: "opportunities")
        return summary
    }
}
