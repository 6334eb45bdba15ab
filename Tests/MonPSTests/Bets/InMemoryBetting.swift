import Foundation
import MonPSCore
import Synchronization

@testable import MonPS

/// In-memory stand-ins for the repositories the bets service reads and writes, so a test of the service's rules runs
/// without PostgreSQL and with a clock it sets. They keep what a rule test needs (bankroll balances, bets, settings,
/// events, sports); what no such test calls throws `InMemoryBetting.Unsupported`. The PostgreSQL repositories keep
/// their own integration tests (`BetsAPITests`, `LedgerPropertyTests`).
final class InMemoryBetting: Sendable {
    struct Unsupported: Error {}

    struct State {
        var bankrolls: [UUID: (owner: UUID, locked: Ledger.LockedBankroll)] = [:]
        var bets: [UUID: BetRecord] = [:]
        var settings: [UUID: UserSettingsRecord] = [:]
        var events: [Int64: EventRecord] = [:]
        var sports: [String: SportRecord] = [:]
    }

    let state = Mutex(State())
    let clock: ManualDateClock

    init(clock: ManualDateClock) { self.clock = clock }

    /// The service over these fakes, on the test's clock.
    var service: BetService {
        BetService(
            repository: Bets(store: self), bankrolls: Bankrolls(), settings: Settings(store: self), events: Events(store: self),
            sports: Sports(store: self), opportunities: NoOpportunities(), now: clock.closure)
    }

    func addBankroll(owner: UUID, balance: Int64, archived: Bool = false) -> UUID {
        let id = UUID()
        state.withLock {
            $0.bankrolls[id] = (owner, Ledger.LockedBankroll(id: id, currency: "EUR", balance: balance, archived: archived))
        }
        return id
    }

    func balance(_ bankroll: UUID) -> Int64? { state.withLock { $0.bankrolls[bankroll]?.locked.balance } }
    func betCount() -> Int { state.withLock { $0.bets.count } }

    struct Bets: BetRepository {
        let store: InMemoryBetting

        func create(_ bet: NewBet, admit: StakeRules.Placing, context: AuditContext) async throws -> BetRecord {
            try store.state.withLock { state in
                guard var bankroll = state.bankrolls[bet.bankrollID], bankroll.owner == bet.userID else {
                    throw BettingError.bankrollNotFound
                }
                let used = try admit(bankroll.locked)
                bankroll.locked.balance -= bet.stake
                state.bankrolls[bet.bankrollID] = bankroll
                let record = Self.record(bet, used: used, at: store.clock.now)
                state.bets[record.id] = record
                return record
            }
        }

        func get(id: UUID, owner: UUID) async throws -> BetRecord? {
            store.state.withLock { $0.bets[id].flatMap { $0.userID == owner ? $0 : nil } }
        }

        func list(owner: UUID, filter: BetFilter, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [BetRecord] {
            throw Unsupported()
        }

        func update(
            id: UUID, owner: UUID, changes: BetChanges, admit: StakeRules.Restaking, context: AuditContext
        ) async throws -> BetRecord {
            try store.state.withLock { state in
                guard var bet = state.bets[id], bet.userID == owner else { throw BettingError.betNotFound }
                guard bet.status == .pending else { throw BettingError.betNotPending(status: bet.status.rawValue) }
                if let stake = changes.stake, stake != bet.stake, var bankroll = state.bankrolls[bet.bankrollID] {
                    bet.kellyFractionUsed = try admit(bet.stake, stake, bankroll.locked)
                    bankroll.locked.balance -= stake - bet.stake
                    state.bankrolls[bet.bankrollID] = bankroll
                    bet.stake = stake
                }
                bet.odds = changes.odds ?? bet.odds
                bet.version += 1
                state.bets[id] = bet
                return bet
            }
        }

        func cancel(id: UUID, owner: UUID, context: AuditContext) async throws -> BetRecord { throw Unsupported() }
        func openLegs(owner: UUID, eventID: Int64, bankrollID: UUID) async throws -> [OpenBetLeg] { [] }
        func summary(owner: UUID, scope: SummaryScope) async throws -> SummaryData { throw Unsupported() }

        static func record(_ bet: NewBet, used: Double?, at now: Date) -> BetRecord {
            BetRecord(
                id: UUID(), userID: bet.userID, bankrollID: bet.bankrollID, eventID: bet.eventID,
                eventDescription: bet.eventDescription, sportKey: bet.sportKey, competition: bet.competition, line: bet.line,
                bookmaker: bet.bookmaker, odds: bet.odds, stake: bet.stake, potentialReturn: bet.potentialReturn,
                placedAt: bet.placedAt ?? now, status: .pending, settledAt: nil, payout: nil, profit: nil, closingOdds: nil,
                sharpClosingOdds: nil, fairClosingOdds: nil, clv: nil, beatClose: nil, opportunityID: bet.opportunityID,
                agent: bet.agent, edgeAtPlacement: bet.edgeAtPlacement, fairProbability: bet.fairProbability,
                suggestedKellyFraction: bet.suggestedKellyFraction, kellyFractionUsed: used, tags: bet.tags,
                notes: bet.notes, source: bet.source, isLive: bet.isLive, createdAt: now, updatedAt: now, version: 1,
                placedMicros: Int64((bet.placedAt ?? now).timeIntervalSince1970 * 1_000_000))
        }
    }

    struct Settings: SettingsRepository {
        let store: InMemoryBetting
        func get(userID: UUID) async throws -> UserSettingsRecord {
            store.state.withLock { $0.settings[userID] ?? UserSettingsRecord() }
        }
        func replace(userID: UUID, with settings: UserSettingsRecord) async throws -> UserSettingsRecord {
            store.state.withLock { $0.settings[userID] = settings }
            return settings
        }
        func isPricingBookmaker(_ key: String) async throws -> Bool { throw Unsupported() }
    }

    struct Events: EventRepository {
        let store: InMemoryBetting
        func get(id: Int64) async throws -> EventRecord? { store.state.withLock { $0.events[id] } }
        func list(filter: EventFilter, after: (startsAt: Date, id: Int64)?, limit: Int) async throws -> [EventRecord] {
            throw Unsupported()
        }
        func prices(eventID: Int64, market: MarketType?) async throws -> EventPrices { throw Unsupported() }
        func history(eventID: Int64, filter: HistoryFilter, limit: Int) async throws -> [PriceRecord] { throw Unsupported() }
        func bookmakers(sharp: Bool?, afterKey: String?, limit: Int) async throws -> [BookmakerRecord] { throw Unsupported() }
    }

    struct Sports: SportsRepository {
        let store: InMemoryBetting
        func list(filter: SportFilter, afterKey: String?, limit: Int) async throws -> [SportRecord] {
            store.state.withLock { Array($0.sports.values) }
        }
        func get(key: String) async throws -> SportRecord? { store.state.withLock { $0.sports[key] } }
    }

    struct Bankrolls: BankrollRepository {
        func create(_ bankroll: NewBankroll, opening: LedgerPosting?) async throws -> BankrollRecord { throw Unsupported() }
        func list(owner: UUID, includeArchived: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws
            -> [(record: BankrollRecord, createdMicros: Int64)] { throw Unsupported() }
        func get(id: UUID, owner: UUID) async throws -> BankrollRecord? { throw Unsupported() }
        func update(id: UUID, owner: UUID, name: String?, archived: Bool?) async throws -> BankrollRecord {
            throw Unsupported()
        }
        func entries(bankrollID: UUID, owner: UUID, kind: LedgerKind?, beforeID: Int64?, limit: Int) async throws
            -> [LedgerEntryRecord] { throw Unsupported() }
        func post(
            _ posting: LedgerPosting, bankrollID: UUID, owner: UUID, admit: BankrollRules.Posting, audit: LedgerAudit?
        ) async throws -> LedgerEntryRecord { throw Unsupported() }
    }

    struct NoOpportunities: OpportunityLookup {
        func get(id: UUID) async throws -> OpportunityRecord? { nil }
    }
}
