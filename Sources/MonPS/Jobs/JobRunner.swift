import Foundation
import Logging
import PostgresNIO

/// Runs jobs, each under a PostgreSQL advisory lock so that only one instance of a cluster runs a given
/// job at a time, and records every run in `job_runs`. The lock is a session lock on a connection of its own
/// (not from the pool the job works through, see `Database.withDedicatedConnection`) held for the run: if the
/// process dies, PostgreSQL drops the connection and the lock with it.
actor JobRunner {
    nonisolated let jobs: [String: any Job]
    nonisolated let order: [String]
    let database: Database
    private let runs: JobRunRepository
    private let logger: Logger
    /// Tells admins about failed runs (`job.failed`).
    private let outbox: NotificationOutbox?
    let instance: String
    /// The clock every run's context carries.
    nonisolated let now: @Sendable () -> Date
    private var inFlight: [Int64: Task<Void, Never>] = [:]

    init(
        jobs: [any Job], database: Database, outbox: NotificationOutbox? = nil, logger: Logger,
        instance: String = JobRunner.defaultInstanceName(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.jobs = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.order = jobs.map(\.name)
        self.database = database
        self.runs = JobRunRepository(database: database)
        self.logger = logger
        self.outbox = outbox
        self.instance = instance
        self.now = now
    }

    static func defaultInstanceName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The last run of each job, by job name.
    nonisolated func latestRuns() async throws -> [String: JobRunRecord] { try await runs.latest() }

    /// Recorded runs newest first (of one job, or all), ids below `before`, at most `limit`.
    nonisolated func history(job: String?, before: Int64?, limit: Int) async throws -> [JobRunRecord] {
        try await runs.list(job: job, before: before, limit: limit)
    }

    /// Starts `name` in the background and returns its run as soon as it holds the lock and is recorded.
    /// - Throws: `JobError.unknownJob`, `JobError.alreadyRunning` (another run holds the lock).
    func start(_ name: String, trigger: JobTrigger) async throws -> JobRunRecord {
        guard let job = jobs[name] else { throw JobError.unknownJob(name) }
        let (stream, continuation) = AsyncStream<Result<JobRunRecord, any Error>>.makeStream()
        let task = Task { _ = await self.execute(job, trigger: trigger) { continuation.yield($0); continuation.finish() } }
        var started: Result<JobRunRecord, any Error>?
        for await result in stream { started = result }
        let record = try (started ?? .failure(CancellationError())).get()
        inFlight[record.id] = task
        Task { await task.value; self.forget(record.id) }
        return record
    }

    /// Runs `name` to completion and returns the finished run.
    func runNow(_ name: String, trigger: JobTrigger) async throws -> JobRunRecord {
        guard let job = jobs[name] else { throw JobError.unknownJob(name) }
        switch await execute(job, trigger: trigger, started: { _ in }) {
        case .finished(let record): return record
        case .notStarted(let error): throw error
        }
    }

    enum Execution: Sendable {
        case finished(JobRunRecord)
        case notStarted(any Error)
    }

    /// Waits for runs started with `start` (graceful shutdown).
    func drain() async {
        for task in inFlight.values { await task.value }
    }

    private func forget(_ id: Int64) { inFlight[id] = nil }

    /// Acquires the lock, records the run, reports the start through `started`, runs, records the end.
    private nonisolated func execute(
        _ job: any Job, trigger: JobTrigger, started: @Sendable (Result<JobRunRecord, any Error>) -> Void
    ) async -> Execution {
        let key = Self.lockKey(job.name)
        let logger = self.logger
        do {
            return try await database.withDedicatedConnection { connection in
                let locked = try await connection.query("SELECT pg_try_advisory_lock(\(key))").first?.decode(Bool.self) ?? false
                guard locked else {
                    started(.failure(JobError.alreadyRunning(job.name)))
                    return .notStarted(JobError.alreadyRunning(job.name))
                }
                let record: JobRunRecord
                do {
                    record = try await runs.start(job: job.name, trigger: trigger, instance: instance)
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))")
                    started(.failure(error))
                    return .notStarted(error)
                }
                started(.success(record))
                var runLogger = logger
                runLogger[metadataKey: "job"] = .string(job.name)
                runLogger[metadataKey: "run_id"] = .stringConvertible(record.id)
                let outcome: JobOutcome
                let status: JobRunStatus
                do {
                    let follow: @Sendable (String) -> Void = { [weak self] next in
                        Task { _ = try? await self?.start(next, trigger: .schedule) }
                    }
                    outcome = try await job.run(JobContext(runID: record.id, logger: runLogger, trigger: trigger, follow: follow, now: now))
                    status = outcome.skipped ? .skipped : .succeeded
                } catch {
                    outcome = JobOutcome(errors: 1, message: String(describing: error))
                    status = .failed
                    runLogger.error("job failed", metadata: ["error": .string(String(describing: error))])
                }
                try? await runs.finish(id: record.id, status: status, outcome: outcome)
                if status == .failed { await self.tellAdmins(failed: record, outcome: outcome) }
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))")
                runLogger.info(
                    "job finished",
                    metadata: ["status": .string(status.rawValue), "items": .stringConvertible(outcome.items),
                               "errors": .stringConvertible(outcome.errors)])
                return .finished((try? await runs.get(id: record.id)) ?? record)
            }
        } catch {
            started(.failure(error))
            return .notStarted(error)
        }
    }

    /// Records and announces `job.failed` for every admin; a failure to do so is logged, the run stays failed.
    private nonisolated func tellAdmins(failed run: JobRunRecord, outcome: JobOutcome) async {
        guard let outbox else { return }
        struct Failure: Encodable {
            let job: String
            let run_id: Int64
            let message: String?
        }
        await outbox.tellAdmins(
            type: .jobFailed, subject: "run:\(run.id)",
            payload: Failure(job: run.job, run_id: run.id, message: outcome.message), database: database)
    }

    /// A stable 64-bit key per job name (FNV-1a), in a namespace of its own.
    static func lockKey(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "monps.job.\(name)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
