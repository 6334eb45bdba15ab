import Foundation
import Testing

@testable import MonPSCore

@Suite("Settlement rules")
struct SettlementTests {
    func grade(
        _ market: BetMarket, _ status: EventStatus, stake: Int64 = 1000, odds: Double = 2.5,
        rules: SettlementRules = SettlementRules(), now: Int64 = 1_000_000
    ) throws -> SettlementDecision {
        try Settler.settle(BetSlip(stake: stake, decimalOdds: odds, market: market), status: status, rules: rules, now: now)
    }

    func outcome(_ market: BetMarket, _ home: Int, _ away: Int) throws -> BetOutcome? {
        try grade(market, .completed(EventScore(home: home, away: away))).result?.outcome
    }

    @Test func matchResult() throws {
        #expect(try outcome(.matchResult(.home), 2, 1) == .won)
        #expect(try outcome(.matchResult(.home), 1, 1) == .lost)
        #expect(try outcome(.matchResult(.draw), 1, 1) == .won)
        #expect(try outcome(.matchResult(.draw), 0, 1) == .lost)
        #expect(try outcome(.matchResult(.away), 0, 1) == .won)
        #expect(try outcome(.matchResult(.away), 3, 1) == .lost)
        // Stake 1000 at 2.5 wins 2500, profit 1500.
        let won = try grade(.matchResult(.home), .completed(EventScore(home: 1, away: 0)))
        #expect(won == .settled(SettlementResult(outcome: .won, stake: 1000, payout: 2500)))
        #expect(won.result?.profit == 1500)
        #expect(try grade(.matchResult(.away), .completed(EventScore(home: 1, away: 0))).result?.profit == -1000)
    }

    /// The one reading of a final score every parser and the odds feed use.
    @Test func resultOfAFinalScore() {
        #expect(MatchResultSelection(home: 2, away: 1) == .home)
        #expect(MatchResultSelection(home: 0, away: 3) == .away)
        #expect(MatchResultSelection(home: 1, away: 1) == .draw)
        // The side that won or advanced (a retirement's, a walkover's); a draw has none.
        #expect(MatchResultSelection.home.side == .home && MatchResultSelection.away.side == .away)
        #expect(MatchResultSelection.draw.side == nil)
    }

    @Test func drawNoBetAndDoubleChance() throws {
        #expect(try outcome(.drawNoBet(.home), 1, 0) == .won)
        #expect(try outcome(.drawNoBet(.home), 0, 1) == .lost)
        #expect(try outcome(.drawNoBet(.away), 2, 2) == .push)
        #expect(try grade(.drawNoBet(.away), .completed(EventScore(home: 2, away: 2))).result?.payout == 1000)
        // 1X, 12, X2 against home win / draw / away win.
        let table: [(DoubleChanceSelection, [BetOutcome])] = [
            (.homeOrDraw, [.won, .won, .lost]),
            (.homeOrAway, [.won, .lost, .won]),
            (.drawOrAway, [.lost, .won, .won]),
        ]
        for (selection, expected) in table {
            #expect(try outcome(.doubleChance(selection), 2, 0) == expected[0], "\(selection)")
            #expect(try outcome(.doubleChance(selection), 1, 1) == expected[1], "\(selection)")
            #expect(try outcome(.doubleChance(selection), 0, 3) == expected[2], "\(selection)")
        }
        #expect(DoubleChanceSelection.homeOrAway.rawValue == "12")
    }

    @Test func moneylineBasis() throws {
        // NHL: 2-2 after regulation, 3-2 after the shoot-out.
        let score = EventStatus.completed(EventScore(regulation: .init(home: 2, away: 2), final: .init(home: 3, away: 2)))
        #expect(try grade(.moneyline(.home), score).result?.outcome == .won)  // default: incl. OT
        #expect(try grade(.moneyline(.away), score).result?.outcome == .lost)
        // A 2-way regulation moneyline ties: push.
        #expect(try grade(.moneyline(.home, basis: .regulation), score).result?.outcome == .push)
        // The 3-way regulation market has a winner: the draw.
        #expect(try grade(.matchResult(.draw), score).result?.outcome == .won)
        #expect(try grade(.matchResult(.home, basis: .includingOvertime), score).result?.outcome == .won)
        // NFL tie after overtime: push.
        let tie = EventStatus.completed(EventScore(regulation: .init(home: 20, away: 20), final: .init(home: 23, away: 23)))
        #expect(try grade(.moneyline(.away), tie).result == SettlementResult(outcome: .push, stake: 1000, payout: 1000))
        #expect(EventScore(home: 1, away: 2).final == FinalScore(home: 1, away: 2))
    }

    @Test(arguments: TennisRetirementPolicy.allCases)
    func tennisRetirement(policy: TennisRetirementPolicy) throws {
        let rules = SettlementRules(tennisRetirement: policy)
        let firstSet = EventStatus.retired(advancing: .home, completedSets: 0)
        let secondSet = EventStatus.retired(advancing: .home, completedSets: 1)
        // Expected by the documented semantics: [winner bet in set 1, loser bet in set 1,
        // winner bet after a set, loser bet after a set].
        let expected: [BetOutcome] =
            switch policy {
            case .voidUnlessCompleted: [.void, .void, .void, .void]
            case .advancingPlayerWins: [.won, .lost, .won, .lost]
            case .completedSetRule: [.void, .void, .won, .lost]
            }
        let actual = try [
            grade(.moneyline(.home), firstSet, rules: rules), grade(.moneyline(.away), firstSet, rules: rules),
            grade(.moneyline(.home), secondSet, rules: rules), grade(.moneyline(.away), secondSet, rules: rules),
        ].map { $0.result?.outcome }
        #expect(actual == expected)
        // Walkover: void for every policy; other markets void on retirement.
        #expect(try grade(.moneyline(.home), .walkover(advancing: .home), rules: rules).result?.outcome == .void)
        #expect(try grade(.total(.over, line: 22.5), secondSet, rules: rules).result?.outcome == .void)
        #expect(try grade(.handicap(.away, line: 3.5), secondSet, rules: rules).result?.payout == 1000)
        #expect(throws: SettlementError.invalidScore) {
            try grade(.moneyline(.home), .retired(advancing: .home, completedSets: -1), rules: rules)
        }
    }

    @Test func tennisCompletedMatchOnSets() throws {
        // 2-1 in sets: home wins the match; away +1.5 sets covers (−1 + 1.5 > 0); 3 sets over 2.5.
        #expect(try outcome(.moneyline(.home), 2, 1) == .won)
        #expect(try outcome(.handicap(.away, line: 1.5), 2, 1) == .won)
        #expect(try outcome(.total(.over, line: 2.5), 2, 1) == .won)
    }

    @Test func cancelledAndPostponedWaitForTheDelay() throws {
        let start: Int64 = 1_700_000_000
        let rules = SettlementRules(voidDelaySeconds: 3600)
        for status in [EventStatus.cancelled(scheduledStart: start), .postponed(scheduledStart: start)] {
            #expect(try grade(.matchResult(.home), status, rules: rules, now: start) == .pending(.awaitingVoidDelay(voidAt: start + 3600)))
            #expect(try grade(.matchResult(.home), status, rules: rules, now: start + 3599).result == nil)
            #expect(try grade(.matchResult(.home), status, rules: rules, now: start + 3600)
                == .settled(SettlementResult(outcome: .void, stake: 1000, payout: 1000)))
            #expect(try grade(.outright(selection: "x"), status, rules: rules, now: start + 7200).result?.outcome == .void)
        }
        // Default delay is 48 h; negative delays count as 0; huge delays saturate.
        #expect(SettlementRules().voidDelaySeconds == 172_800)
        #expect(try grade(.moneyline(.home), .cancelled(scheduledStart: start), rules: .init(voidDelaySeconds: -5), now: start).result?.outcome == .void)
        #expect(try grade(.moneyline(.home), .cancelled(scheduledStart: start), rules: .init(voidDelaySeconds: .max), now: .max)
            == .settled(SettlementResult(outcome: .void, stake: 1000, payout: 1000)))
        #expect(try grade(.moneyline(.home), .cancelled(scheduledStart: start), rules: .init(voidDelaySeconds: .max), now: start)
            == .pending(.awaitingVoidDelay(voidAt: .max)))
    }

    @Test func unfinishedEventsArePending() throws {
        #expect(try grade(.matchResult(.home), .notStarted) == .pending(.eventNotFinished))
        #expect(try grade(.total(.over, line: 2.5), .inProgress) == .pending(.eventNotFinished))
        #expect(try grade(.outright(selection: "a"), .inProgress).result == nil)
    }

    @Test func deadHeat() throws {
        // Two tied winners at 5.00, stake 1000: 500 at full odds = 2500 paid, profit 1500.
        let tied = try grade(.outright(selection: "Rahm"), .outrightResult(winners: ["Rahm", "Scheffler"]), odds: 5)
        #expect(tied.result == SettlementResult(outcome: .won, stake: 1000, payout: 2500, deadHeatDivisor: 2))
        // Three tied at 2.50, stake 1001: ⌊1001 · 2.5 / 3⌋ = ⌊834.17⌋ = 834, a net loss of 167.
        let three = try grade(.outright(selection: "b"), .outrightResult(winners: ["a", "b", "c"]), stake: 1001)
        #expect(three.result?.payout == 834 && three.result?.profit == -167 && three.result?.deadHeatDivisor == 3)
        // Sole winner: 2500; loser: 0; duplicate ids count once; no winner declared: void.
        #expect(try grade(.outright(selection: "a"), .outrightResult(winners: ["a", "a"])).result?.payout == 2500)
        #expect(try grade(.outright(selection: "z"), .outrightResult(winners: ["a"])).result?.outcome == .lost)
        #expect(try grade(.outright(selection: "z"), .outrightResult(winners: [])).result?.outcome == .void)
    }

    @Test func invalidInputs() {
        let done = EventStatus.completed(EventScore(home: 1, away: 0))
        #expect(throws: SettlementError.invalidStake) { try grade(.matchResult(.home), done, stake: 0) }
        #expect(throws: SettlementError.invalidOdds) { try grade(.matchResult(.home), done, odds: 1) }
        #expect(throws: SettlementError.invalidOdds) { try grade(.matchResult(.home), done, odds: 1e13) }
        #expect(throws: SettlementError.invalidLine(0.3)) { try grade(.handicap(.home, line: 0.3), done) }
        #expect(throws: SettlementError.invalidLine(-0.5)) { try grade(.total(.over, line: -0.5), done) }
        #expect(throws: SettlementError.invalidLine(1000.25)) { try grade(.total(.over, line: 1000.25), done) }
        #expect(throws: SettlementError.invalidLine(.infinity)) { try grade(.handicap(.home, line: .infinity), done) }
        #expect(throws: SettlementError.invalidScore) {
            try grade(.matchResult(.home), .completed(EventScore(home: -1, away: 0)))
        }
        #expect(throws: SettlementError.marketNotApplicable) { try grade(.outright(selection: "a"), done) }
        #expect(throws: SettlementError.marketNotApplicable) {
            try grade(.matchResult(.home), .outrightResult(winners: ["a"]))
        }
        #expect(throws: SettlementError.marketNotApplicable) {
            try grade(.outright(selection: "a"), .retired(advancing: .home, completedSets: 1))
        }
        #expect(throws: SettlementError.marketNotApplicable) {
            try grade(.outright(selection: "a"), .walkover(advancing: .away))
        }
        #expect(throws: SettlementError.overflow) { try grade(.matchResult(.home), done, stake: .max) }
        #expect(throws: SettlementError.overflow) {
            try grade(.handicap(.home, line: -0.25), .completed(EventScore(home: 3, away: 0)), stake: .max, odds: 3)
        }
    }

    @Test func voidAndPushIgnoreOverflowRisk() throws {
        // A push pays the stake back exactly even at the largest stake.
        let push = try grade(.drawNoBet(.home), .completed(EventScore(home: 0, away: 0)), stake: .max)
        #expect(push.result?.payout == .max)
    }

    @Test func codableRoundTrip() throws {
        let bet = BetSlip(stake: 500, decimalOdds: 1.95, market: .handicap(.away, line: -0.25, basis: .includingOvertime))
        let decoded = try JSONDecoder().decode(BetSlip.self, from: JSONEncoder().encode(bet))
        #expect(decoded == bet)
        let decision = try grade(.matchResult(.home), .completed(EventScore(home: 1, away: 0)))
        #expect(try JSONDecoder().decode(SettlementDecision.self, from: JSONEncoder().encode(decision)) == decision)
        #expect(BetOutcome.halfWon.rawValue == "half_won" && BetOutcome.halfLost.rawValue == "half_lost")
        #expect(ScoreBasis.includingOvertime.rawValue == "including_overtime")
        #expect(TennisRetirementPolicy.completedSetRule.rawValue == "completed_set_rule")
    }
}
