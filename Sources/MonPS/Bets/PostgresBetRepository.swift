import Foundation
import MonPSCore
import PostgresNIO

struct PostgresBetRepository: BetRepository {
    let database: Database
    let audit: AuditLog

    static let columns = """
        id, user_id, bankroll_id, event_id, event_description, sport_key, competition, market, selection, point::float8,
        bookmaker, odds::float8, stake, potential_return, placed_at, status, settled_at, payout, profit,
        closing_odds::float8, sharp_closing_odds::float8, fair_closing_odds::float8, clv::float8, beat_close,
        opportunity_id, agent, edge_at_placement::float8, fair_probability::float8, suggested_kelly_fraction::float8,
        kelly_fraction_used::float8, tags, notes, source, is_live, created_at, updated_at, version,
        \(KeysetSQL.micros("placed_at")) AS placed_micros
        """

    func create(_ bet: NewBet, admit: StakeRules.Placing, context: AuditContext) async throws -> BetRecord {
        try await database.transaction { sql in
            var bankroll = try await Ledger.lock(bet.bankrollID, owner: bet.userID, on: sql)
            let used = try admit(bankroll)
            let rows = try await sql.query(
                """
                INSERT INTO bets (user_id, bankroll_id, event_id, event_description, sport_key, competition, market,
                                  selection, point, bookmaker, odds, stake, potential_return, edge_at_placement,
                                  fair_probability, suggested_kelly_fraction, kelly_fraction_used, tags, notes, source,
                                  is_live, opportunity_id, agent, placed_at)
                VALUES (\(bet.userID), \(bet.bankrollID), \(bet.eventID), \(bet.eventDescription), \(bet.sportKey),
                        \(bet.competition), \(bet.line.market.rawValue), \(bet.line.selection.rawValue), \(bet.line.point),
                        \(bet.bookmaker), \(bet.odds), \(bet.stake), \(bet.potentialReturn), \(bet.edgeAtPlacement),
                        \(bet.fairProbability), \(bet.suggestedKellyFraction), \(used), \(bet.tags), \(bet.notes),
                        \(bet.source.rawValue), \(bet.isLive), \(bet.opportunityID), \(bet.agent),
                        coalesce(\(bet.placedAt), now()))
                RETURNING \(unescaped: Self.columns)
                """)
            guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
            let record = try Self.decode(row)
            _ = try await Ledger.post(
                LedgerPosting(kind: .stake, amount: -bet.stake, betID: record.id, cause: .bet, createdBy: bet.userID),
                to: &bankroll, on: sql)
            return record
        }
    }

    func get(id: UUID, owner: UUID) async throws -> BetRecord? {
        let rows = try await database.query(
            "SELECT \(unescaped: Self.columns) FROM bets WHERE id = \(id) AND user_id = \(owner)")
        return try rows.first.map(Self.decode)
    }

    func list(owner: UUID, filter: BetFilter, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [BetRecord] {
        let afterMicros = after?.micros
        let afterID = after?.id
        let status = filter.status?.rawValue
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM bets
            WHERE user_id = \(owner)
              AND (\(status)::text IS NULL OR status = \(status))
              AND (\(filter.sport)::text IS NULL OR sport_key = \(filter.sport))
              AND (\(filter.bookmaker)::text IS NULL OR bookmaker = \(filter.bookmaker))
              AND (\(filter.bankrollID)::uuid IS NULL OR bankroll_id = \(filter.bankrollID))
              AND (\(filter.tag)::text IS NULL OR tags @> ARRAY[\(filter.tag)::text])
              AND (\(filter.from)::timestamptz IS NULL OR placed_at >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR placed_at < \(filter.to))
              AND (\(afterMicros)::int8 IS NULL OR (placed_at, id) <
                   (timestamptz 'epoch' + \(afterMicros) * interval '1 microsecond', \(afterID)))
            ORDER BY placed_at DESC, id DESC
            LIMIT \(limit)
            """)
        return try rows.map(Self.decode)
    }

    func update(
        id: UUID, owner: UUID, changes: BetChanges, admit: StakeRules.Restaking, context: AuditContext
    ) async throws -> BetRecord {
        try await database.transaction { sql in
            let bet = try await Self.lockPending(id: id, owner: owner, on: sql)
            let stake = changes.stake ?? bet.stake
            let odds = changes.odds ?? bet.odds
            var used = bet.kellyFractionUsed
            if stake != bet.stake {
                var bankroll = try await Ledger.lock(bet.bankrollID, owner: owner, on: sql)
                let delta = stake - bet.stake
                used = try admit(bet.stake, stake, bankroll)
                _ = try await Ledger.post(
                    LedgerPosting(
                        kind: delta > 0 ? .stake : .refund, amount: -delta, betID: id, cause: .bet,
                        note: "stake changed from \(bet.stake) to \(stake)", createdBy: owner),
                    to: &bankroll, on: sql)
            }
            let potentialReturn = try BetService.potentialReturn(stake: stake, odds: odds)
            let edge = bet.fairProbability.flatMap { try? ValueAnalysis.expectedValue(decimalOdds: odds, fairProbability: $0) }
            let notesChanged = changes.notes != nil
            let notes = changes.notes ?? nil
            let rows = try await sql.query(
                """
                UPDATE bets SET odds = \(odds), stake = \(stake), potential_return = \(potentialReturn),
                       edge_at_placement = \(edge), kelly_fraction_used = \(used),
                       tags = COALESCE(\(changes.tags), tags),
                       notes = CASE WHEN \(notesChanged) THEN \(notes) ELSE notes END,
                       version = version + 1, updated_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """)
            guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
            return try Self.decode(row)
        }
    }

    func cancel(id: UUID, owner: UUID, context: AuditContext) async throws -> BetRecord {
        try await database.transaction { sql in
            let bet = try await Self.lockPending(id: id, owner: owner, on: sql)
            var bankroll = try await Ledger.lock(bet.bankrollID, owner: owner, on: sql)
            _ = try await Ledger.post(
                LedgerPosting(kind: .refund, amount: bet.stake, betID: id, cause: .bet, note: "bet cancelled", createdBy: owner),
                to: &bankroll, on: sql)
            let rows = try await sql.query(
                """
                UPDATE bets SET status = 'cancelled', version = version + 1, updated_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """)
            guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
            try await audit.record(
                on: sql, AuditAction("bet.cancelled"), actor: owner, targetType: "bet",
                targetID: id.uuidString.lowercased(), context: context, details: ["refund": .int(Int(bet.stake))])
            return try Self.decode(row)
        }
    }

    func openLegs(owner: UUID, eventID: Int64, bankrollID: UUID) async throws -> [OpenBetLeg] {
        let rows = try await database.query(
            """
            SELECT market, selection, point::float8, odds::float8, stake, fair_probability::float8 FROM bets
            WHERE event_id = \(eventID) AND user_id = \(owner) AND bankroll_id = \(bankrollID) AND status = 'pending'
            ORDER BY placed_at, id
            """)
        return try rows.map { row in
            let value = RowReader(row)
            let line = BetLine(stored: try value("market"), selection: try value("selection"), point: try value("point"))
            return OpenBetLeg(
                line: line, odds: try value("odds"), stake: try value("stake"),
                fairProbability: try value("fair_probability"))
        }
    }

    /// Locks a bet of the owner's (lock order: bet, then bankroll) and checks it is still pending.
    private static func lockPending(id: UUID, owner: UUID, on sql: DatabaseConnection) async throws -> BetRecord {
        let rows = try await sql.query(
            "SELECT \(unescaped: columns) FROM bets WHERE id = \(id) AND user_id = \(owner) FOR UPDATE")
        guard let row = rows.first else { throw BettingError.betNotFound }
        let bet = try decode(row)
        guard bet.status == .pending else { throw BettingError.betNotPending(status: bet.status.rawValue) }
        return bet
    }

    static func decode(_ row: PostgresRow) throws -> BetRecord {
        let value = RowReader(row)
        return BetRecord(
            id: try value("id"), userID: try value("user_id"), bankrollID: try value("bankroll_id"),
            eventID: try value("event_id"), eventDescription: try value("event_description"),
            sportKey: try value("sport_key"), competition: try value("competition"),
            line: BetLine(stored: try value("market"), selection: try value("selection"), point: try value("point")),
            bookmaker: try value("bookmaker"), odds: try value("odds"), stake: try value("stake"),
            potentialReturn: try value("potential_return"), placedAt: try value("placed_at"), status: try value("status"),
            settledAt: try value("settled_at"), payout: try value("payout"), profit: try value("profit"),
            closingOdds: try value("closing_odds"), sharpClosingOdds: try value("sharp_closing_odds"),
            fairClosingOdds: try value("fair_closing_odds"), clv: try value("clv"), beatClose: try value("beat_close"),
            opportunityID: try value("opportunity_id"), agent: try value("agent"),
            edgeAtPlacement: try value("edge_at_placement"), fairProbability: try value("fair_probability"),
            suggestedKellyFraction: try value("suggested_kelly_fraction"),
            kellyFractionUsed: try value("kelly_fraction_used"), tags: try value("tags"), notes: try value("notes"),
            source: try value("source"), isLive: try value("is_live"), createdAt: try value("created_at"),
            updatedAt: try value("updated_at"), version: try value("version"), placedMicros: try value("placed_micros"))
    }
}
