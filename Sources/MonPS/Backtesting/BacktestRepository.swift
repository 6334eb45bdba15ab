import Foundation
import MonPSCore
import PostgresNIO

/// `backtests` and `backtest_bets`: the queue the `backtests.run` job works through, and what each run found.
struct BacktestRepository: Sendable {
    let database: Database
    /// Tells the requester that the run finished (`backtest.finished`), in the transaction that records it.
    var outbox: NotificationOutbox?

    private static let columns = """
        id, user_id, strategy, sport, starts_from, starts_before, staking, bankroll, seed, status, attempts, error,
        summary::text AS summary, equity::text AS equity, created_at, started_at, finished_at,
        (SELECT count(*) FROM backtest_bets b WHERE b.backtest_id = backtests.id)::int AS bet_count
        """

    /// Queues a backtest once `admit` accepts the number the user already has queued or running (counted under a lock
    /// on the user, so two submissions at once cannot both pass).
    func create(
        _ parameters: BacktestParameters, user: UUID, admit: @Sendable (_ waiting: Int) throws -> Void
    ) async throws -> BacktestRecord {
        let p = parameters
        let rows = try await database.transaction { connection in
            // Serialises one user's submissions so that two at once cannot both pass the limit.
            _ = try await connection.query("SELECT 1 FROM users WHERE id = \(user) FOR UPDATE")
            let waiting = try await connection.query(
                "SELECT count(*)::int FROM backtests WHERE user_id = \(user) AND status IN ('queued', 'running')").first?.decode(Int.self) ?? 0
            try admit(waiting)
            return try await connection.query(
                """
                INSERT INTO backtests (user_id, strategy, sport, starts_from, starts_before, staking, bankroll, seed)
                VALUES (\(user), \(p.strategy), \(p.sport), \(p.from), \(p.until), \(p.staking.description), \(p.bankroll),
                        \(Int64(bitPattern: p.seed)))
                RETURNING \(unescaped: Self.columns)
                """)
        }
        guard let row = rows.first else { throw MissingRowError(statement: "INSERT INTO backtests") }
        return try Self.record(row)
    }

    /// The backtest `id` if `user` may see it (its owner, or anyone when `user` is nil: admins).
    func get(_ id: UUID, user: UUID?) async throws -> BacktestRecord? {
        try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM backtests
            WHERE id = \(id) AND (\(user)::uuid IS NULL OR user_id = \(user))
            """
        ).first.map(Self.record)
    }

    /// The user's backtests, newest first, after the keyset cursor.
    func list(user: UUID, after: (createdAt: Date, id: UUID)?, limit: Int) async throws -> [BacktestRecord] {
        try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM backtests
            WHERE user_id = \(user)
              AND (\(after?.createdAt)::timestamptz IS NULL OR (created_at, id) < (\(after?.createdAt), \(after?.id)))
            ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """
        ).map(Self.record)
    }

    /// A page of the bets of a backtest, in placement order.
    func bets(of id: UUID, offset: Int, limit: Int) async throws -> [StoredBacktestBet] {
        try await database.query(
            """
            SELECT event_id, sport_key, market, point, outcome, bookmaker, price, fair_probability, edge, placed_at,
                   settled_at, stake, payout, grade, clv, agents
            FROM backtest_bets WHERE backtest_id = \(id) ORDER BY seq OFFSET \(offset) LIMIT \(limit)
            """
        ).map { row in
            let read = RowReader(row)
            let bet = BacktestBet(
                eventID: try read("event_id"), market: MarketKey(try read("market", MarketType.self), line: try read("point")),
                outcomeIndex: 0, outcome: try read("outcome"), bookmaker: try read("bookmaker"), decimalOdds: try read("price"),
                fairProbability: try read("fair_probability"), edge: try read("edge"), placedAt: try read("placed_at"),
                settledAt: try read("settled_at"), stake: try read("stake"), payout: try read("payout"),
                grade: try read("grade", BetOutcome.self), clv: try read("clv"),
                agents: try read("agents", [String].self).map(AgentID.init(rawValue:)), reasons: [])
            return StoredBacktestBet(eventID: bet.eventID, sport: try read("sport_key"), bet: bet)
        }
    }

    // MARK: - The queue

    /// Runs cut short (the process died: the job holds the cluster-wide lock, so none is really running) go back to
    /// the queue, or fail after three attempts.
    func requeueInterrupted() async throws {
        _ = try await database.query(
            """
            UPDATE backtests SET
                status = CASE WHEN attempts >= 3 THEN 'failed' ELSE 'queued' END,
                error = CASE WHEN attempts >= 3 THEN 'interrupted three times; not retried' ELSE error END,
                finished_at = CASE WHEN attempts >= 3 THEN now() ELSE NULL END
            WHERE status = 'running'
            """)
    }

    /// Takes the oldest queued backtest and marks it running.
    func claim() async throws -> BacktestRecord? {
        try await database.query(
            """
            UPDATE backtests SET status = 'running', attempts = attempts + 1, started_at = now()
            WHERE id = (SELECT id FROM backtests WHERE status = 'queued' ORDER BY created_at, id LIMIT 1
                        FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.columns)
            """
        ).first.map(Self.record)
    }

    /// Stores the outcome of a run: the summary, the curve and every bet, in one transaction.
    func succeed(_ id: UUID, summary: BacktestSummary, equity: [EquityPoint], bets: [StoredBacktestBet]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let summaryJSON = String(decoding: try encoder.encode(summary), as: UTF8.self)
        let equityJSON = String(decoding: try encoder.encode(equity.map { [Int64($0.at.timeIntervalSince1970), $0.bankroll] }), as: UTF8.self)
        let recorded = try await database.transaction { connection in
            _ = try await connection.query("DELETE FROM backtest_bets WHERE backtest_id = \(id)")
            var start = 0
            while start < bets.count {
                let chunk = bets[start..<min(start + 1_000, bets.count)]
                try await Self.insert(chunk, backtest: id, connection: connection)
                start += 1_000
            }
            _ = try await connection.query(
                """
                UPDATE backtests SET status = 'succeeded', summary = \(summaryJSON)::jsonb, equity = \(equityJSON)::jsonb,
                    error = NULL, finished_at = now()
                WHERE id = \(id)
                """)
            return try await finished(id, bets: bets.count, error: nil, on: connection)
        }
        await outbox?.announce(recorded)
    }

    func fail(_ id: UUID, reason: String) async throws {
        let recorded = try await database.transaction { connection in
            _ = try await connection.query(
                """
                UPDATE backtests SET status = 'failed', error = \(String(reason.prefix(2000))), finished_at = now()
                WHERE id = \(id)
                """)
            return try await finished(id, bets: nil, error: String(reason.prefix(500)), on: connection)
        }
        await outbox?.announce(recorded)
    }

    /// `backtest.finished` for the backtest's requester.
    private func finished(_ id: UUID, bets: Int?, error: String?, on connection: DatabaseConnection) async throws
        -> [RecordedNotification]
    {
        struct Finished: Encodable {
            let backtest_id: String
            let strategy: String
            let sport: String?
            let status: String
            let bets: Int?
            let error: String?
        }
        guard let outbox, let row = try await connection.query(
            "SELECT user_id, strategy, sport, status FROM backtests WHERE id = \(id)").first else { return [] }
        let read = RowReader(row)
        let owner: UUID = try read("user_id")
        let payload = Finished(
            backtest_id: id.uuidString.lowercased(), strategy: try read("strategy"), sport: try read("sport"),
            status: try read("status"), bets: bets, error: error)
        return try await outbox.record(
            [try NotificationDraft(userID: owner, type: .backtestFinished, subject: id.uuidString.lowercased(), payload: payload)],
            on: connection)
    }

    /// One statement per chunk; PostgresNIO has no arrays of optionals, so absent lines and CLVs travel as NaN.
    private static func insert(
        _ bets: ArraySlice<StoredBacktestBet>, backtest: UUID, connection: DatabaseConnection
    ) async throws {
        let seq = bets.indices.map { Int32($0) }  // a slice keeps the indices of the whole array
        let events = bets.map(\.eventID), sports = bets.map(\.sport)
        let markets = bets.map(\.bet.market.type.rawValue), points = bets.map { $0.bet.market.line ?? .nan }
        let outcomes = bets.map(\.bet.outcome), books = bets.map(\.bet.bookmaker), prices = bets.map(\.bet.decimalOdds)
        let fair = bets.map(\.bet.fairProbability), edges = bets.map(\.bet.edge)
        let placed = bets.map(\.bet.placedAt), settled = bets.map(\.bet.settledAt)
        let stakes = bets.map(\.bet.stake), payouts = bets.map(\.bet.payout), grades = bets.map(\.bet.grade.rawValue)
        let clvs = bets.map { $0.bet.clv ?? .nan }, agents = bets.map { $0.bet.agents.map(\.rawValue).joined(separator: ",") }
        _ = try await connection.query(
            """
            INSERT INTO backtest_bets (backtest_id, seq, event_id, sport_key, market, point, outcome, bookmaker, price,
                fair_probability, edge, placed_at, settled_at, stake, payout, grade, clv, agents)
            SELECT \(backtest), s, e, sp, m, nullif(pt, 'NaN'), o, bk, pr, f, ed, pl, st, sk, py, g, nullif(c, 'NaN'),
                   string_to_array(a, ',')
            FROM unnest(\(seq)::int4[], \(events)::int8[], \(sports)::text[], \(markets)::text[], \(points)::float8[],
                        \(outcomes)::text[], \(books)::text[], \(prices)::float8[], \(fair)::float8[], \(edges)::float8[],
                        \(placed)::timestamptz[], \(settled)::timestamptz[], \(stakes)::int8[], \(payouts)::int8[],
                        \(grades)::text[], \(clvs)::float8[], \(agents)::text[])
                AS t(s, e, sp, m, pt, o, bk, pr, f, ed, pl, st, sk, py, g, c, a)
            """)
    }

    private static func record(_ row: PostgresRow) throws -> BacktestRecord {
        let read = RowReader(row)
        let decoder = JSONDecoder()
        let summary = try read("summary", String?.self).flatMap { try? decoder.decode(BacktestSummary.self, from: Data($0.utf8)) }
        let equity = try read("equity", String?.self).flatMap { try? decoder.decode([[Int64]].self, from: Data($0.utf8)) } ?? []
        let staking = try read("staking", String.self)
        let parameters = BacktestParameters(
            strategy: try read("strategy"), sport: try read("sport"), from: try read("starts_from"),
            until: try read("starts_before"), staking: (try? StakingPlan(parsing: staking)) ?? .flat(1),
            bankroll: try read("bankroll"), seed: UInt64(bitPattern: try read("seed", Int64.self)))
        return BacktestRecord(
            id: try read("id"), userID: try read("user_id"), parameters: parameters,
            status: try read("status", BacktestStatus.self), attempts: try read("attempts"), error: try read("error"),
            summary: summary,
            equity: equity.compactMap { $0.count == 2 ? EquityPoint(at: Date(timeIntervalSince1970: TimeInterval($0[0])), bankroll: $0[1]) : nil },
            betCount: try read("bet_count"), createdAt: try read("created_at"), startedAt: try read("started_at"),
            finishedAt: try read("finished_at"))
    }
}
