import Foundation
import Logging

/// A background job: runs on a schedule (and on demand), on one instance of the cluster at a time.
protocol Job: Sendable {
    /// Stable name, e.g. `odds.collect`; also the advisory-lock key and the `job_runs.job` value.
    var name: String { get }
    var summary: String { get }
    var interval: Duration { get }
    func run(_ context: JobContext) async throws -> JobOutcome
}

struct JobContext: Sendable {
    var runID: Int64
    var logger: Logger
    var trigger: JobTrigger = .manual
    /// Starts another job now (in the background; nothing happens if it is already running): results that
    /// arrived settle bets at once, marked closing lines get their CLV at once.
    var follow: @Sendable (_ job: String) -> Void = { _ in }
    /// The process clock (`AppServices.now`): what "now" means to the job (tests step it).
    var now: @Sendable () -> Date = Date.init
}

/// What one run did. `skipped` runs (nothing to do, not configured) are recorded as such.
struct JobOutcome: Sendable, Equatable {
    var items = 0
    var errors = 0
    var creditsUsed = 0
    var message: String?
    var skipped = false

    static func skipped(_ reason: String) -> JobOutcome { JobOutcome(message: reason, skipped: true) }
}

enum JobTrigger: String, Sendable {
    case schedule, manual, startup
}

/// Where a recorded run is (`job_runs.status`).
enum JobRunStatus: String, Sendable {
    case running, succeeded, failed, skipped
}

/// A recorded run, as stored in `job_runs`.
struct JobRunRecord: Sendable, Equatable {
    var id: Int64
    var job: String
    var trigger: JobTrigger
    var status: JobRunStatus
    var startedAt: Date
    var finishedAt: Date?
    var items: Int
    var errors: Int
    var creditsUsed: Int
    var message: String?
    var instance: String
}

enum JobError: Error, Equatable, CustomStringConvertible {
    case unknownJob(String)
    case alreadyRunning(String)

    var description: String {
        switch self {
        case .unknownJob(let name): "no job named '\(name)'"
        case .alreadyRunning(let name): "job '\(name)' is already running"
        }
    }
}
