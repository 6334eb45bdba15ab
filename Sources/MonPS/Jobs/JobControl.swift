import Foundation

/// An admin starting a job by hand: the run starts in the background and the start is recorded in the audit log.
struct JobControl: Sendable {
    let runner: JobRunner
    let audit: AuditLog

    func start(_ name: String, by actor: UUID, context: AuditContext) async throws -> JobRunRecord {
        let run = try await runner.start(name, trigger: .manual)
        try await audit.record(
            AuditAction("job.run"), actor: actor, targetType: "job", targetID: name, context: context,
            details: ["run_id": .int(Int(run.id))])
        return run
    }
}
