import Foundation
import PostgresNIO

/// `job_runs`: one row per run, written when it starts and completed when it ends.
struct JobRunRepository: Sendable {
    let database: Database

    private static let columns =
        "id, job, trigger, status, started_at, finished_at, items, errors, credits_used, message, instance"

    func start(job: String, trigger: JobTrigger, instance: String) async throws -> JobRunRecord {
        let rows = try await database.query(
            """
            INSERT INTO job_runs (job, trigger, instance) VALUES (\(job), \(trigger.rawValue), \(instance))
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else { throw IngestionStorageError.noRowReturned }
        return try Self.decode(row)
    }

    func finish(id: Int64, status: JobRunStatus, outcome: JobOutcome) async throws {
        let message = outcome.message.map { String($0.prefix(2000)) }
        try await database.query(
            """
            UPDATE job_runs SET status = \(status.rawValue), finished_at = now(), items = \(outcome.items),
                errors = \(outcome.errors), credits_used = \(outcome.creditsUsed), message = \(message)
            WHERE id = \(id)
            """)
    }

    /// Runs left `running` by an instance that died: closed as failed so the list tells the truth.
    func abandonStale(olderThan interval: Duration, instance: String) async throws {
        let seconds = Double(interval.components.seconds)
        try await database.query(
            """
            UPDATE job_runs SET status = 'failed', finished_at = now(), message = 'abandoned: the instance stopped'
            WHERE status = 'running' AND (instance = \(instance) OR started_at < now() - make_interval(secs => \(seconds)))
            """)
    }

    func list(job: String?, before: Int64?, limit: Int) async throws -> [JobRunRecord] {
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM job_runs
            WHERE (\(job)::text IS NULL OR job = \(job)) AND (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC LIMIT \(limit)
            """)
        return try rows.map(Self.decode)
    }

    func get(id: Int64) async throws -> JobRunRecord? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM job_runs WHERE id = \(id)").first.map(Self.decode)
    }

    /// The newest run of each job.
    func latest() async throws -> [String: JobRunRecord] {
        let rows = try await database.query(
            "SELECT DISTINCT ON (job) \(unescaped: Self.columns) FROM job_runs ORDER BY job, id DESC")
        var runs: [String: JobRunRecord] = [:]
        for row in rows {
            let run = try Self.decode(row)
            runs[run.job] = run
        }
        return runs
    }

    private static func decode(_ row: PostgresRow) throws -> JobRunRecord {
        let read = RowReader(row)
        return JobRunRecord(
            id: try read("id"), job: try read("job"), trigger: try read("trigger"), status: try read("status"),
            startedAt: try read("started_at"), finishedAt: try read("finished_at"), items: try read("items"),
            errors: try read("errors"), creditsUsed: try read("credits_used"), message: try read("message"),
            instance: try read("instance"))
    }
}
