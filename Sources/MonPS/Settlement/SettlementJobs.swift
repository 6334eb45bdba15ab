import Foundation
import Logging

/// `bets.settle`: every pending bet whose event has a final result (or was cancelled/postponed long enough).
struct BetSettlementJob: Job {
    let settlement: BetSettlement
    /// The interval in effect (platform settings over the configuration), read before each wait.
    let schedule: @Sendable () -> Duration
    var interval: Duration { schedule() }
    var batchSize = 500

    var name: String { "bets.settle" }
    var summary: String { "Settles pending bets from stored results, each with its ledger entry in one transaction" }

    func run(_ context: JobContext) async throws -> JobOutcome {
        var outcome = JobOutcome()
        var waiting = 0
        var lastBatch: [UUID] = []
        while !Task.isCancelled {
            let ids = try await settlement.settleableBetIDs(limit: batchSize)
            // Bets that stay pending (void delay not over) come back every time: stop when nothing moved.
            if ids.isEmpty || ids == lastBatch { break }
            lastBatch = ids
            var moved = false
            for id in ids {
                do {
                    switch try await settlement.settle(id, now: context.now()) {
                    case .settled:
                        outcome.items += 1
                        moved = true
                    case .stillPending: waiting += 1
                    case .notPending: break
                    }
                } catch {
                    outcome.errors += 1
                    context.logger.warning("bet not settled", metadata: ["bet_id": .string(id.uuidString), "error": .string("\(error)")])
                }
            }
            if !moved || ids.count < batchSize { break }
        }
        outcome.message = "\(outcome.items) bet(s) settled, \(waiting) waiting for the void delay"
        return outcome
    }
}
