import Foundation
import Testing

@testable import MonPS

/// The bets service's stake rules, without a database: what the repository checks under the bankroll's lock.
@Suite("Stake rules against the locked bankroll")
struct StakeRulesTests {
    static func bankroll(_ balance: Int64, archived: Bool = false) -> Ledger.LockedBankroll {
        Ledger.LockedBankroll(id: UUID(), currency: "EUR", balance: balance, archived: archived)
    }

    @Test func aStakeWithinTheBalanceUsesItsFractionOfIt() throws {
        #expect(try StakeRules.placing(2_500)(Self.bankroll(10_000)) == 0.25)
        #expect(try StakeRules.placing(10_000)(Self.bankroll(10_000)) == 1)
        // An empty bankroll: only a zero stake passes, and it uses no measurable fraction.
        #expect(try StakeRules.placing(0)(Self.bankroll(0)) == nil)
    }

    @Test func aStakeBeyondTheBalanceOrFromAnArchivedBankrollIsRefused() {
        #expect(throws: BettingError.insufficientFunds(balance: 10_000, needed: 10_001)) {
            try StakeRules.placing(10_001)(Self.bankroll(10_000))
        }
        #expect(throws: BettingError.bankrollArchived) {
            try StakeRules.placing(1)(Self.bankroll(10_000, archived: true))
        }
    }

    @Test func aRaiseNeedsWhatIsLeftACutIsAlwaysAllowed() throws {
        // 1,000 staked, 9,000 left: the bet was sized from 10,000.
        #expect(try StakeRules.restaking(1_000, 2_000, Self.bankroll(9_000)) == 0.2)
        #expect(try StakeRules.restaking(1_000, 10_000, Self.bankroll(9_000)) == 1)
        #expect(throws: BettingError.insufficientFunds(balance: 9_000, needed: 9_001)) {
            try StakeRules.restaking(1_000, 10_001, Self.bankroll(9_000))
        }
        #expect(throws: BettingError.bankrollArchived) {
            try StakeRules.restaking(1_000, 1_001, Self.bankroll(9_000, archived: true))
        }
        // A cut from an archived bankroll is a refund.
        #expect(try StakeRules.restaking(1_000, 500, Self.bankroll(9_000, archived: true)) == 0.05)
        #expect(try StakeRules.restaking(0, 0, Self.bankroll(0)) == nil)
    }
}
