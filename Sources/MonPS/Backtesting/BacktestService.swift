import Foundation

/// The rules of the `backtests` feature: how many runs one user may have waiting, who may read a run, and that a
/// submitted run starts at once when the job is free. `BacktestRepository` runs the SQL; the `backtests.run` job
/// works through the queue.
struct BacktestService: Sendable {
    let repository: BacktestRepository
    let jobs: JobRunner
    /// Backtests one user may have queued or running at once.
    var waitingLimit = 3

    /// Queues a run; `BacktestFailure.tooManyWaiting` once the user has `waitingLimit` waiting or running.
    func submit(_ parameters: BacktestParameters, user: UUID) async throws -> BacktestRecord {
        let limit = waitingLimit
        let record = try await repository.create(parameters, user: user) { waiting in
            guard waiting < limit else { throw BacktestFailure.tooManyWaiting(limit: limit) }
        }
        // Start at once; when the job is already busy it takes this one next, else its schedule picks it up.
        _ = try? await jobs.start("backtests.run", trigger: .manual)
        return record
    }

    /// A run its owner, or any admin, may read; `BacktestFailure.notFound` for anyone else (and for no such run).
    func get(_ reference: String, viewer: UUID, isAdmin: Bool) async throws -> BacktestRecord {
        guard let id = UUID(uuidString: reference), let record = try await repository.get(id, user: isAdmin ? nil : viewer)
        else { throw BacktestFailure.notFound(reference: String(reference.prefix(64))) }
        return record
    }

    /// A page of a run's bets in placement order (the run is read through `get` first).
    func bets(of record: BacktestRecord, offset: Int, limit: Int) async throws -> [StoredBacktestBet] {
        limit == 0 ? [] : try await repository.bets(of: record.id, offset: offset, limit: limit)
    }

    func list(user: UUID, after: (createdAt: Date, id: UUID)?, limit: Int) async throws -> [BacktestRecord] {
        try await repository.list(user: user, after: after, limit: limit)
    }
}
