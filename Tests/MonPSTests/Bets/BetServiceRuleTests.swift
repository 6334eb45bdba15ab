import Foundation
import Testing

@testable import MonPS

/// The bets service's rules over in-memory repositories: no database, and a clock the test moves instead of
/// sleeping. The same rules against PostgreSQL: `BetsAPITests`, `LedgerPropertyTests`.
@Suite("Bet service rules, in memory")
struct BetServiceRuleTests {
    static let kickOff = Date(timeIntervalSince1970: 1_900_000_000)
    let user = UUID()
    let clock = ManualDateClock(kickOff.addingTimeInterval(-3600))
    let store: InMemoryBetting

    init() {
        store = InMemoryBetting(clock: clock)
        store.state.withLock { state in
            state.sports["soccer_epl"] = SportRecord(
                key: "soccer_epl", group: "soccer", groupTitle: "Soccer", title: "EPL", description: "", outcomes: 3,
                hasDraw: true, active: true, oddsAPIKey: nil)
            state.events[7] = EventRecord(
                id: 7, sportKey: "soccer_epl", groupKey: "soccer", competition: "E0", homeID: 1, homeName: "Arsenal", awayID: 2,
                awayName: "Chelsea", startsAt: Self.kickOff, status: .scheduled, result: nil)
        }
    }

    func request(bankroll: UUID?, stake: Int64, odds: Double = 2.5, live: Bool = false) -> BetService.PlaceRequest {
        BetService.PlaceRequest(
            eventID: 7, eventDescription: nil, sport: nil, competition: nil, market: .h2h, selection: .home, point: nil,
            bookmaker: "pinnacle", odds: odds, stake: stake, bankrollID: bankroll, fairProbability: 0.45, tags: [],
            notes: nil, isLive: live)
    }

    @Test func aStakeWithinTheBalanceIsRecordedAndDrawnFromTheBankroll() async throws {
        let bankroll = store.addBankroll(owner: user, balance: 10_000)
        let bet = try await store.service.place(request(bankroll: bankroll, stake: 500), userID: user, context: .init())
        #expect(bet.stake == 500 && bet.potentialReturn == 1_250 && bet.competition == "E0")
        #expect(bet.kellyFractionUsed == 0.05)
        #expect(bet.edgeAtPlacement.map { abs($0 - 0.125) < 1e-12 } == true)  // 0.45 × 2.5 − 1
        #expect(store.balance(bankroll) == 9_500)
    }

    @Test func aStakeBeyondTheBalanceIsRefusedAndNothingIsRecorded() async throws {
        let bankroll = store.addBankroll(owner: user, balance: 400)
        await #expect(throws: BettingError.insufficientFunds(balance: 400, needed: 500)) {
            try await store.service.place(request(bankroll: bankroll, stake: 500), userID: user, context: .init())
        }
        #expect(store.betCount() == 0 && store.balance(bankroll) == 400)
    }

    @Test func withoutABankrollTheSettingsDefaultIsUsed() async throws {
        await #expect(throws: BettingError.validation(field: "bankroll_id", message: "is required: your settings name no default bankroll")) {
            try await store.service.place(request(bankroll: nil, stake: 100), userID: user, context: .init())
        }
        let bankroll = store.addBankroll(owner: user, balance: 1_000)
        store.state.withLock { $0.settings[user] = UserSettingsRecord(defaultBankrollID: bankroll) }
        let bet = try await store.service.place(request(bankroll: nil, stake: 100), userID: user, context: .init())
        #expect(bet.bankrollID == bankroll)
    }

    @Test func kickOffClosesTheEventToAllButLiveBets() async throws {
        let bankroll = store.addBankroll(owner: user, balance: 10_000)
        _ = try await store.service.place(request(bankroll: bankroll, stake: 100), userID: user, context: .init())
        clock.advance(seconds: 3600)  // kick-off, without waiting for it
        await #expect(throws: BettingError.eventStarted) {
            try await store.service.place(request(bankroll: bankroll, stake: 100), userID: user, context: .init())
        }
        let live = try await store.service.place(request(bankroll: bankroll, stake: 100, live: true), userID: user, context: .init())
        #expect(live.isLive)
        store.state.withLock { $0.events[7]?.status = .finished }
        await #expect(throws: BettingError.validation(field: "event_id", message: "the event is finished; it takes no more bets")) {
            try await store.service.place(request(bankroll: bankroll, stake: 100, live: true), userID: user, context: .init())
        }
    }

    @Test func aRaiseNeedsWhatIsLeftACutIsRefunded() async throws {
        let bankroll = store.addBankroll(owner: user, balance: 1_000)
        let bet = try await store.service.place(request(bankroll: bankroll, stake: 400), userID: user, context: .init())
        await #expect(throws: BettingError.insufficientFunds(balance: 600, needed: 700)) {
            try await store.service.update(
                id: bet.id, userID: user, odds: nil, stake: 1_100, tags: nil, notes: nil, context: .init())
        }
        let cut = try await store.service.update(id: bet.id, userID: user, odds: nil, stake: 250, tags: nil, notes: nil, context: .init())
        #expect(cut.stake == 250 && cut.kellyFractionUsed == 0.25)  // sized from 600 left + 400 held
        #expect(store.balance(bankroll) == 750)
    }
}
