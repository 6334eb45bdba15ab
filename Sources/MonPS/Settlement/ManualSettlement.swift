import Foundation
import Logging
import MonPSCore

/// Settling or correcting a bet by hand: the owner, or an admin for any bet. A pending bet gets its payout entry;
/// a settled one gets a `correction` entry for the difference, so the ledger's history is never edited.
struct ManualSettlement: Sendable {
    let settlement: BetSettlement
    let audit: AuditLog

    /// The payout of `stake` at `odds` for a graded `outcome` (rounded down to the minor unit).
    static func result(for outcome: BetOutcome, stake: Int64, odds: Double) throws -> SettlementResult {
        let half = stake / 2
        let payout: Int64
        switch outcome {
        case .won: payout = try Money.payout(stake: stake, decimalOdds: odds)
        case .halfWon: payout = try Money.payout(stake: half, decimalOdds: odds) + (stake - half)
        case .push, .void: payout = stake
        case .halfLost: payout = stake - half
        case .lost: payout = 0
        }
        return SettlementResult(outcome: outcome, stake: stake, payout: payout)
    }

    /// Settles `betID` as `outcome` for `actor`; returns the bet's owner (an admin may grade anyone's bet).
    @discardableResult
    func settle(_ betID: UUID, as outcome: BetOutcome, note: String?, actor: Principal, context: AuditContext) async throws -> UUID {
        let (owner, recorded) = try await settlement.database.transaction { sql -> (UUID, [RecordedNotification]) in
            let rows = try await sql.query(
                """
                SELECT user_id, bankroll_id, odds::float8 AS odds, stake, status, payout FROM bets
                WHERE id = \(betID) AND (user_id = \(actor.userID) OR \(actor.isAdmin)) FOR UPDATE
                """)
            guard let row = rows.first else { throw BettingError.betNotFound }
            let read = RowReader(row)
            let owner: UUID = try read("user_id"), bankrollID: UUID = try read("bankroll_id")
            let odds: Double = try read("odds"), stake: Int64 = try read("stake"), oldPayout: Int64? = try read("payout")
            let status: BetStatus = try read("status")
            guard status != .cancelled else { throw BettingError.betCancelled }
            let graded = try Self.result(for: outcome, stake: stake, odds: odds)
            let action: AuditAction
            var recorded: [RecordedNotification] = []
            if status == .pending {
                recorded = try await settlement.record(
                    graded, betID: betID, owner: owner, bankrollID: bankrollID, actor: actor.userID,
                    note: note ?? "settled by hand", on: sql)
                action = "bet.settled_by_hand"
            } else {
                try await sql.query(
                    """
                    UPDATE bets SET status = \(graded.outcome.rawValue), payout = \(graded.payout), profit = \(graded.profit),
                        settled_at = now(), updated_at = now(), version = version + 1
                    WHERE id = \(betID)
                    """)
                let difference = graded.payout - (oldPayout ?? 0)
                if difference != 0 {
                    var bankroll = try await Ledger.lock(bankrollID, owner: owner, on: sql)
                    _ = try await Ledger.post(
                        LedgerPosting(
                            kind: .correction, amount: difference, betID: betID, cause: .correction,
                            note: note ?? "settlement corrected: \(status.rawValue) → \(graded.outcome.rawValue)", createdBy: actor.userID),
                        to: &bankroll, on: sql)
                }
                action = "bet.settlement_corrected"
            }
            try await audit.record(
                on: sql, action, actor: actor.userID, targetType: "bet", targetID: betID.uuidString.lowercased(),
                context: context,
                details: ["from": .string(status.rawValue), "to": .string(graded.outcome.rawValue), "payout": .int(Int(graded.payout))])
            return (owner, recorded)
        }
        await settlement.outbox?.announce(recorded)
        return owner
    }
}
