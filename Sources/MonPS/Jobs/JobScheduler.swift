import Foundation
import Logging
import ServiceLifecycle

/// Runs every job on its interval for as long as the process runs (inside `monps serve` or `monps worker`).
/// Each job has its own loop; a run another instance holds is simply skipped. On graceful shutdown the loops
/// stop and runs in progress are awaited.
struct JobScheduler: Service {
    let runner: JobRunner
    let logger: Logger
    /// Delay before the first scheduled run of each job (lets the server finish starting).
    var initialDelay: Duration = .seconds(5)

    func run() async throws {
        try? await JobRunRepository(database: runner.database).abandonStale(olderThan: .seconds(6 * 3600), instance: runner.instance)
        let jobs = runner.order.compactMap { runner.jobs[$0] }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for job in jobs {
                    group.addTask { await loop(job) }
                }
            }
        } onGracefulShutdown: {
            logger.info("scheduler stopping")
        }
        await runner.drain()
    }

    private func loop(_ job: any Job) async {
        var delay = initialDelay
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let wait = delay
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
            do {
                _ = try await runner.runNow(job.name, trigger: .schedule)
            } catch JobError.alreadyRunning {
                logger.debug("job running elsewhere", metadata: ["job": .string(job.name)])
            } catch {
                logger.warning("job could not start", metadata: ["job": .string(job.name), "error": .string("\(error)")])
            }
            delay = job.interval
        }
    }
}
