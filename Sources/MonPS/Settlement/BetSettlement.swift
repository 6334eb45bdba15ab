import Foundation
import Logging
import MonPSCore
import PostgresNIO

/// Settles bets: each bet and its ledger entry in one transaction, only while the bet is still pending (row
/// lock), so running it twice never pays twice and killing it anywhere leaves either the whole settlement of a
/// bet or nothing.
struct BetSettlement: Sendable {
    let database: Database
    let logger: Logger
    var rules = SettlementRules()
    /// Records `bet.settled` in the settlement's transaction; `nil` where nobody is told (demo data).
    var outbox: NotificationOutbox?

    /// What happened to one bet.
    enum Result: Sendable, Equatable {
        case settled(status: String, payout: Int64)
        case stillPending
        case notPending
    }

    /// Pending bets whose event has a result or was cancelled/postponed (oldest first, at most `limit`).
    func settleableBetIDs(limit: Int) async throws -> [UUID] {
        try await database.query(
            """
            SELECT b.id FROM bets b JOIN events e ON e.id = b.event_id
            WHERE b.status = 'pending'
              AND (EXISTS (SELECT 1 FROM event_results r WHERE r.event_id = e.id) OR e.status IN ('cancelled', 'postponed'))
            ORDER BY b.placed_at, b.id LIMIT \(limit)
            """
        ).map { try $0.decode(UUID.self) }
    }

    /// Grades `betID` from its event's stored result; pays and records it when gradable.
    func settle(_ betID: UUID, now: Date) async throws -> Result {
        let (result, recorded) = try await database.transaction { sql -> (Result, [RecordedNotification]) in
            let rows = try await sql.query(
                """
                SELECT b.user_id, b.bankroll_id, b.market, b.selection, b.point::float8 AS point, b.odds::float8 AS odds,
                       b.stake, b.status AS bet_status, s.outcomes = 3 AS has_draw, s.group_key,
                       e.status AS event_status, e.starts_at, \(unescaped: BetGrading.resultColumns)
                FROM bets b JOIN events e ON e.id = b.event_id JOIN sports s ON s.key = e.sport_key
                LEFT JOIN event_results r ON r.event_id = e.id
                WHERE b.id = \(betID) FOR UPDATE OF b
                """)
            guard let row = rows.first else { return (.notPending, []) }
            let read = RowReader(row)
            guard try read("bet_status", BetStatus.self) == .pending else { return (.notPending, []) }
            let bet = BetGrading.StoredBet(
                market: try read("market"), selection: try read("selection"), point: try read("point"),
                odds: try read("odds"), stake: try read("stake"), hasDraw: try read("has_draw"), groupKey: try read("group_key"))
            let event = BetGrading.StoredEvent(
                status: try read("event_status"), startsAt: try read("starts_at"), result: try BetGrading.result(read))
            let decision = try BetGrading.decision(bet, event, rules: rules, now: now)
            guard let graded = decision.result else { return (.stillPending, []) }
            let recorded = try await record(
                graded, betID: betID, owner: try read("user_id"), bankrollID: try read("bankroll_id"), actor: nil, note: "settled from the result",
                on: sql)
            return (.settled(status: graded.outcome.rawValue, payout: graded.payout), recorded)
        }
        await outbox?.announce(recorded)
        return result
    }

    /// Writes a grading: the bet's status and money, and the ledger entry returning `payout` (a refund when
    /// the stake simply comes back). `payout == 0` writes no entry (the stake was taken when the bet was placed).
    /// Returns the `bet.settled` event recorded for the owner, to announce after the commit.
    @discardableResult
    func record(
        _ graded: SettlementResult, betID: UUID, owner: UUID, bankrollID: UUID, actor: UUID?, note: String,
        on sql: DatabaseConnection
    ) async throws -> [RecordedNotification] {
        try await sql.query(
            """
            UPDATE bets SET status = \(graded.outcome.rawValue), payout = \(graded.payout), profit = \(graded.profit),
                settled_at = now(), updated_at = now(), version = version + 1
            WHERE id = \(betID)
            """)
        if graded.payout > 0 {
            var bankroll = try await Ledger.lock(bankrollID, owner: owner, on: sql)
            let kind: LedgerKind = graded.outcome == .void || graded.outcome == .push ? .refund : .payout
            _ = try await Ledger.post(
                LedgerPosting(kind: kind, amount: graded.payout, betID: betID, cause: .settlement, note: note, createdBy: actor),
                to: &bankroll, on: sql)
        }
        guard let outbox else { return [] }
        return try await outbox.record(
            try await BetNotice.drafts(.betSettled, betIDs: [betID], on: sql), on: sql)
    }
}
