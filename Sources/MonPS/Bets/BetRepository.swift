import Foundation

protocol BetRepository: Sendable {
    /// Writes the bet and its `stake` ledger entry in one transaction, under the bankroll's row lock: refused when
    /// the bankroll is not the user's (`bankrollNotFound`) or `admit` (the service's `StakeRules`) refuses the stake
    /// against the locked bankroll; `admit`'s fraction is stored as the Kelly fraction used.
    func create(_ bet: NewBet, admit: StakeRules.Placing, context: AuditContext) async throws -> BetRecord
    func get(id: UUID, owner: UUID) async throws -> BetRecord?
    /// The owner's bets newest first (placed_at, id), after the keyset position, at most `limit`.
    func list(owner: UUID, filter: BetFilter, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [BetRecord]
    /// Applies `changes` to a pending bet; a stake change, once `admit` accepts it against the locked bankroll, posts
    /// its difference to the ledger.
    func update(
        id: UUID, owner: UUID, changes: BetChanges, admit: StakeRules.Restaking, context: AuditContext
    ) async throws -> BetRecord
    /// Cancels a pending bet and refunds its stake.
    func cancel(id: UUID, owner: UUID, context: AuditContext) async throws -> BetRecord
    /// The owner's pending bets on `eventID` in `bankrollID`.
    func openLegs(owner: UUID, eventID: Int64, bankrollID: UUID) async throws -> [OpenBetLeg]
    /// The raw figures of a summary.
    func summary(owner: UUID, scope: SummaryScope) async throws -> SummaryData
}
