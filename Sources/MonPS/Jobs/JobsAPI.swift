import Foundation
import MonPSAPI

/// Admin operations on background jobs.
extension APIHandler {
    func adminListJobs(_ input: Operations.AdminListJobs.Input) async throws -> Operations.AdminListJobs.Output {
        let latest = try await jobs.latestRuns()
        let data = jobs.order.compactMap { jobs.jobs[$0] }.map { job in
            Components.Schemas.Job(
                name: job.name, description: job.summary, intervalSeconds: Int(job.interval.components.seconds),
                enabled: true, lastRun: latest[job.name].map(Components.Schemas.JobRun.init))
        }
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(nil)))))
    }

    func adminListJobRuns(_ input: Operations.AdminListJobRuns.Input) async throws -> Operations.AdminListJobRuns.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let before = try page.after.map { values in
            guard let first = values.first, let id = Int64(first) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return id
        }
        let fetched = try await jobs.history(job: input.query.job, before: before, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.id)] }
        return .ok(.init(body: .json(.init(data: items.map(Components.Schemas.JobRun.init), nextCursor: .init(next)))))
    }

    func adminRunJob(_ input: Operations.AdminRunJob.Input) async throws -> Operations.AdminRunJob.Output {
        let principal = try RequestScope.requirePrincipal()
        let run = try await JobControl(runner: jobs, audit: auth.admin.audit)
            .start(input.path.name, by: principal.userID, context: .current)
        return .accepted(.init(body: .json(Components.Schemas.JobRun(run))))
    }
}

extension Components.Schemas.JobRun {
    init(_ record: JobRunRecord) {
        let trigger: TriggerPayload =
            switch record.trigger {
            case .schedule: .schedule
            case .manual: .manual
            case .startup: .startup
            }
        let status: StatusPayload =
            switch record.status {
            case .running: .running
            case .succeeded: .succeeded
            case .failed: .failed
            case .skipped: .skipped
            }
        self.init(
            id: record.id, job: record.job, trigger: trigger, status: status, startedAt: record.startedAt,
            finishedAt: record.finishedAt, items: record.items, errors: record.errors, creditsUsed: record.creditsUsed,
            message: record.message, instance: record.instance)
    }
}
