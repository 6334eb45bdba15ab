import Foundation
import PostgresNIO

/// Platform usage from PostgreSQL (accounts, bets, jobs, backtests) and the request counters in Redis.
struct AdminAnalyticsReport: Sendable {
    struct Job: Sendable, Equatable {
        var name: String
        var lastSuccess: Date?
        var lastFailure: Date?
        var runs: Int
        var failures: Int
    }

    var activeUsers: (day: Int, week: Int, month: Int)
    var betsPerDay: [(date: String, count: Int)]
    /// ("token:<id>" | "user:<id>" | "anonymous", route class, requests), most requests first.
    var requests: [(principal: String, routeClass: String, count: Int64)]
    var jobs: [Job]
    var backtests: (total: Int, lastMonth: Int, failed: Int)
}

struct AdminAnalytics: Sendable {
    let database: Database
    let counter: RequestCounter
    let now: @Sendable () -> Date

    func report(hours: Int) async throws -> AdminAnalyticsReport {
        let now = now()
        let day: Double = 86_400
        async let active = database.query(
            """
            WITH seen AS (
                SELECT greatest(u.last_login_at, (SELECT max(t.last_used_at) FROM api_tokens t WHERE t.user_id = u.id)) AS at
                FROM users u WHERE u.status = 'active')
            SELECT count(*) FILTER (WHERE at >= \(now.addingTimeInterval(-day)))::int8 AS day,
                   count(*) FILTER (WHERE at >= \(now.addingTimeInterval(-7 * day)))::int8 AS week,
                   count(*) FILTER (WHERE at >= \(now.addingTimeInterval(-30 * day)))::int8 AS month
            FROM seen
            """)
        async let bets = database.query(
            """
            SELECT to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, count(*)::int8 AS count
            FROM bets WHERE placed_at >= \(now.addingTimeInterval(-30 * day)) AND status <> 'cancelled'
            GROUP BY 1 ORDER BY 1
            """)
        async let jobs = database.query(
            """
            SELECT job, max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success,
                   max(started_at) FILTER (WHERE status = 'failed') AS last_failure,
                   count(*) FILTER (WHERE started_at >= \(now.addingTimeInterval(-day)))::int8 AS runs,
                   count(*) FILTER (WHERE status = 'failed' AND started_at >= \(now.addingTimeInterval(-day)))::int8 AS failures
            FROM job_runs GROUP BY job ORDER BY job
            """)
        async let backtests = database.query(
            """
            SELECT count(*)::int8 AS total, count(*) FILTER (WHERE created_at >= \(now.addingTimeInterval(-30 * day)))::int8 AS recent,
                   count(*) FILTER (WHERE status = 'failed')::int8 AS failed
            FROM backtests
            """)
        let requests = try await counter.totals(since: now.addingTimeInterval(-Double(hours) * 3600))
        guard let activeRow = try await active.first, let backtestRow = try await backtests.first else {
            throw StorageInvariantError.noRowReturned
        }
        let a = RowReader(activeRow), b = RowReader(backtestRow)
        return AdminAnalyticsReport(
            activeUsers: (Int(try a("day", Int64.self)), Int(try a("week", Int64.self)), Int(try a("month", Int64.self))),
            betsPerDay: try await bets.map { row in
                let c = RowReader(row)
                return (date: try c("date", String.self), count: Int(try c("count", Int64.self)))
            },
            requests: requests.map { field, count in
                let parts = field.split(separator: "|", maxSplits: 1).map(String.init)
                return (principal: parts[0], routeClass: parts.count > 1 ? parts[1] : "", count: count)
            }.sorted { ($0.count, $1.principal, $1.routeClass) > ($1.count, $0.principal, $0.routeClass) },
            jobs: try await jobs.map { row in
                let c = RowReader(row)
                return AdminAnalyticsReport.Job(
                    name: try c("job"), lastSuccess: try c("last_success"), lastFailure: try c("last_failure"),
                    runs: Int(try c("runs", Int64.self)), failures: Int(try c("failures", Int64.self)))
            },
            backtests: (Int(try b("total", Int64.self)), Int(try b("recent", Int64.self)), Int(try b("failed", Int64.self))))
    }
}
