import Foundation
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// A seeded random walk of deposits, withdrawals, corrections, bets, stake edits, cancellations, settlements and
/// settlement corrections through the repositories and services (no HTTP), checked against a model after every step;
/// at the end, re-running the settlement job changes nothing.
@Suite("Ledger property: balance = initial + entries, never negative, chain consistent", .hangGuard)
struct LedgerPropertyTests {
    @Test(arguments: [UInt64(20_260_601), 7])
    func randomOperationsKeepTheLedgerConsistent(seed: UInt64) async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let database = app.services.database
            let audit = AuditLog(database: database)
            let bankrollRepository = PostgresBankrollRepository(database: database, audit: audit)
            let bankrolls = BankrollService(repository: bankrollRepository)
            let settings = PostgresSettingsRepository(database: database)
            let bets = BetService(
                repository: PostgresBetRepository(database: database, audit: audit), bankrolls: bankrollRepository,
                settings: settings, events: PostgresEventRepository(database: database),
                sports: PostgresSportsRepository(database: database),
                opportunities: PostgresOpportunityRepository(database: database))
            let initial: Int64 = 20_000
            let bankroll = try await bankrolls.create(owner: user.id, name: "Walk", currency: "EUR", initialAmount: initial)

            var random = SplitMix64(seed: seed)
            func draw(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
            var balance = initial
            var pending: [UUID: Int64] = [:]
            var pendingOrder: [UUID] = []
            var counts: [String: Int] = [:]
            var settled: [UUID: Int64] = [:]  // bet → payout
            var settledStakes: [UUID: Int64] = [:]
            let manual = ManualSettlement(settlement: BetSettlement(database: database, logger: TestEnvironment.logger), audit: audit)
            let owner = Principal(userID: user.id, role: .user, scopes: Scope.allowed(for: .user), credential: .accessToken(jti: "walk"))
            let outcomes: [BetOutcome] = [.won, .halfWon, .push, .halfLost, .lost, .void]

            // At least 1000 operations that change the ledger, plus the refused ones in between.
            for step in 0..<3_000 {
                if counts.filter({ $0.key != "refused" }).values.reduce(0, +) >= 1_000 { break }
                let operation = Int.random(in: 0..<9, using: &random)
                var expectSuccess = true
                do {
                    switch operation {
                    case 0:
                        let amount = draw(1...5_000)
                        _ = try await bankrolls.post(
                            try BankrollTransaction(kind: .deposit, amount: amount, note: nil), bankrollID: bankroll.id,
                            actor: user.id, context: .none)
                        balance += amount
                        counts["deposit", default: 0] += 1
                    case 1:
                        let amount = draw(1...(balance + 2_000))
                        expectSuccess = amount <= balance
                        _ = try await bankrolls.post(
                            try BankrollTransaction(kind: .withdrawal, amount: amount, note: nil), bankrollID: bankroll.id,
                            actor: user.id, context: .none)
                        balance -= amount
                        counts["withdrawal", default: 0] += 1
                    case 2:
                        var amount = draw(-3_000...3_000)
                        if amount == 0 { amount = 1 }
                        expectSuccess = balance + amount >= 0
                        _ = try await bankrolls.post(
                            try BankrollTransaction(kind: .correction, amount: amount, note: "step \(step)"),
                            bankrollID: bankroll.id, actor: user.id, context: .none)
                        balance += amount
                        counts["correction", default: 0] += 1
                    case 3, 4:
                        let stake = draw(1...(balance + 1_000))
                        expectSuccess = stake <= balance
                        let odds = 1.5 + Double(draw(0...350)) / 100
                        let bet = try await bets.place(
                            BetService.PlaceRequest(
                                eventDescription: "Walk FC v Random United", sport: "soccer_epl", market: .h2h,
                                selection: .home, bookmaker: "bet365", odds: odds, stake: stake, bankrollID: bankroll.id,
                                tags: [], isLive: false),
                            userID: user.id, context: .none)
                        #expect(bet.potentialReturn == (try Money.payout(stake: stake, decimalOdds: odds)))
                        balance -= stake
                        pending[bet.id] = stake
                        pendingOrder.append(bet.id)
                        counts["bet", default: 0] += 1
                    case 5:
                        guard !pendingOrder.isEmpty else { continue }
                        let id = pendingOrder[Int(draw(0...Int64(pendingOrder.count - 1)))]
                        let old = pending[id] ?? 0
                        let new = draw(1...(old + balance + 500))
                        expectSuccess = new - old <= balance
                        let bet = try await bets.update(
                            id: id, userID: user.id, odds: nil, stake: new, tags: nil, notes: nil, context: .none)
                        #expect(bet.stake == new)
                        balance -= new - old
                        pending[id] = new
                        counts["edit", default: 0] += 1
                    case 7:
                        // Settle a pending bet as the settlement job writes it (bet + payout entry, one transaction).
                        guard !pendingOrder.isEmpty else { continue }
                        let id = pendingOrder.remove(at: Int(draw(0...Int64(pendingOrder.count - 1))))
                        let stake = pending.removeValue(forKey: id) ?? 0
                        let outcome = outcomes[Int(draw(0...5))]
                        let odds = try #require(try await bets.repository.get(id: id, owner: user.id)).odds
                        let graded = try ManualSettlement.result(for: outcome, stake: stake, odds: odds)
                        try await manual.settle(id, as: outcome, note: nil, actor: owner, context: .none)
                        balance += graded.payout
                        settled[id] = graded.payout
                        settledStakes[id] = stake
                        counts["settle", default: 0] += 1
                    case 8:
                        // Re-grade a settled bet: a correction entry for the difference (refused below zero).
                        guard let id = settled.keys.sorted(by: { $0.uuidString < $1.uuidString }).randomElement(using: &random),
                              let stake = settledStakes[id], let old = settled[id] else { continue }
                        let outcome = outcomes[Int(draw(0...5))]
                        let odds = try #require(try await bets.repository.get(id: id, owner: user.id)).odds
                        let graded = try ManualSettlement.result(for: outcome, stake: stake, odds: odds)
                        expectSuccess = balance + graded.payout - old >= 0
                        try await manual.settle(id, as: outcome, note: nil, actor: owner, context: .none)
                        balance += graded.payout - old
                        settled[id] = graded.payout
                        counts["regrade", default: 0] += 1
                    default:
                        guard !pendingOrder.isEmpty else { continue }
                        let index = Int(draw(0...Int64(pendingOrder.count - 1)))
                        let id = pendingOrder.remove(at: index)
                        let bet = try await bets.repository.cancel(id: id, owner: user.id, context: .none)
                        #expect(bet.status == .cancelled)
                        balance += pending.removeValue(forKey: id) ?? 0
                        counts["cancel", default: 0] += 1
                    }
                    #expect(expectSuccess, "step \(step): operation \(operation) should have been refused")
                } catch BettingError.insufficientFunds {
                    #expect(!expectSuccess, "step \(step): operation \(operation) refused with balance \(balance)")
                    counts["refused", default: 0] += 1
                }

                let row = try #require(try await database.query(
                    """
                    SELECT b.balance,
                           COALESCE((SELECT sum(amount) FROM bankroll_entries WHERE bankroll_id = b.id), 0)::int8,
                           COALESCE((SELECT min(balance_after) FROM bankroll_entries WHERE bankroll_id = b.id), 0)::int8,
                           (SELECT amount FROM bankroll_entries WHERE bankroll_id = b.id ORDER BY id LIMIT 1)
                    FROM bankrolls b WHERE b.id = \(bankroll.id)
                    """).first)
                let (stored, sum, minimum, first) = try row.decode((Int64, Int64, Int64, Int64).self)
                #expect(stored == balance, "step \(step)")
                #expect(stored == sum && first == initial && stored == initial + (sum - first), "step \(step)")
                #expect(minimum >= 0 && stored >= 0, "step \(step)")
                if stored != balance { break }
            }

            let ledger = try await fixture.ledger(bankroll.id)
            #expect(ledger.chained)
            #expect(ledger.last == balance)
            let record = try await bankrolls.get(id: bankroll.id, owner: user.id)
            #expect(record.pendingStakes == pending.values.reduce(0, +))
            // Every bet's own entries net to minus its stake while pending and to zero once cancelled.
            let perBet = try await database.query(
                """
                SELECT b.status, b.stake, COALESCE(sum(e.amount), 0)::int8 FROM bets b
                JOIN bankroll_entries e ON e.bet_id = b.id WHERE b.bankroll_id = \(bankroll.id) GROUP BY b.id
                """)
            for row in perBet {
                let (status, stake, net) = try row.decode((String, Int64, Int64).self)
                if status == "pending" || status == "cancelled" { #expect(net == (status == "pending" ? -stake : 0)) }
            }
            // Settled bets: their entries net to payout − stake (corrections included).
            for (id, payout) in settled {
                let net = try await database.query(
                    "SELECT COALESCE(sum(amount), 0)::int8 FROM bankroll_entries WHERE bet_id = \(id)").first?.decode(Int64.self)
                #expect(net == payout - (settledStakes[id] ?? 0))
            }
            // Re-running settlement (the job) pays nothing twice.
            let entries = try await database.count("SELECT count(*) FROM bankroll_entries")
            _ = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(try await database.count("SELECT count(*) FROM bankroll_entries") == entries)
            #expect(try await fixture.balance(user, bankroll.id.uuidString) == balance)
            #expect(counts.filter { $0.key != "refused" }.values.reduce(0, +) >= 1_000, "\(counts)")
            for kind in ["deposit", "withdrawal", "correction", "bet", "edit", "cancel", "settle", "regrade", "refused"] {
                #expect(counts[kind, default: 0] > 10, "too few \(kind) operations: \(counts)")
            }
        }
    }
}
