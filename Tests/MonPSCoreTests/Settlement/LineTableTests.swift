import Testing

@testable import MonPSCore

/// Hand-written settlement tables. W won, HW half-won, P push, HL half-lost, L lost.
///
/// Every row was reasoned out by hand from "adjusted = margin + line" (handicap), "goals − line"
/// (over) or "line − goals" (under): > 0 wins, 0 pushes, < 0 loses; a quarter line is two halves
/// on line ± 0.25, so adjusted +0.25 is half-won and −0.25 half-lost.
@Suite("Asian handicap and totals tables")
struct LineTableTests {
    static func outcome(_ code: String) -> BetOutcome {
        switch code {
        case "W": .won
        case "HW": .halfWon
        case "P": .push
        case "HL": .halfLost
        default: .lost
        }
    }

    /// Home side, lines −3.0 … +3.0; columns are the home goal margin −3, −2, −1, 0, +1, +2, +3.
    static let handicapTable: [(Double, String)] = [
        (-3.00, "L  L  L  L  L  L  P"),
        (-2.75, "L  L  L  L  L  L  HW"),
        (-2.50, "L  L  L  L  L  L  W"),
        (-2.25, "L  L  L  L  L  HL W"),
        (-2.00, "L  L  L  L  L  P  W"),
        (-1.75, "L  L  L  L  L  HW W"),
        (-1.50, "L  L  L  L  L  W  W"),
        (-1.25, "L  L  L  L  HL W  W"),
        (-1.00, "L  L  L  L  P  W  W"),
        (-0.75, "L  L  L  L  HW W  W"),
        (-0.50, "L  L  L  L  W  W  W"),
        (-0.25, "L  L  L  HL W  W  W"),
        (0.00, "L  L  L  P  W  W  W"),
        (0.25, "L  L  L  HW W  W  W"),
        (0.50, "L  L  L  W  W  W  W"),
        (0.75, "L  L  HL W  W  W  W"),
        (1.00, "L  L  P  W  W  W  W"),
        (1.25, "L  L  HW W  W  W  W"),
        (1.50, "L  L  W  W  W  W  W"),
        (1.75, "L  HL W  W  W  W  W"),
        (2.00, "L  P  W  W  W  W  W"),
        (2.25, "L  HW W  W  W  W  W"),
        (2.50, "L  W  W  W  W  W  W"),
        (2.75, "HL W  W  W  W  W  W"),
        (3.00, "P  W  W  W  W  W  W"),
    ]

    /// Over, lines 0.5 … 6.0; columns are total goals 0 … 7.
    static let overTable: [(Double, String)] = [
        (0.50, "L  W  W  W  W  W  W  W"),
        (0.75, "L  HW W  W  W  W  W  W"),
        (1.00, "L  P  W  W  W  W  W  W"),
        (1.25, "L  HL W  W  W  W  W  W"),
        (1.50, "L  L  W  W  W  W  W  W"),
        (1.75, "L  L  HW W  W  W  W  W"),
        (2.00, "L  L  P  W  W  W  W  W"),
        (2.25, "L  L  HL W  W  W  W  W"),
        (2.50, "L  L  L  W  W  W  W  W"),
        (2.75, "L  L  L  HW W  W  W  W"),
        (3.00, "L  L  L  P  W  W  W  W"),
        (3.25, "L  L  L  HL W  W  W  W"),
        (3.50, "L  L  L  L  W  W  W  W"),
        (3.75, "L  L  L  L  HW W  W  W"),
        (4.00, "L  L  L  L  P  W  W  W"),
        (4.25, "L  L  L  L  HL W  W  W"),
        (4.50, "L  L  L  L  L  W  W  W"),
        (4.75, "L  L  L  L  L  HW W  W"),
        (5.00, "L  L  L  L  L  P  W  W"),
        (5.25, "L  L  L  L  L  HL W  W"),
        (5.50, "L  L  L  L  L  L  W  W"),
        (5.75, "L  L  L  L  L  L  HW W"),
        (6.00, "L  L  L  L  L  L  P  W"),
    ]

    /// Under, same lines and columns.
    static let underTable: [(Double, String)] = [
        (0.50, "W  L  L  L  L  L  L  L"),
        (0.75, "W  HL L  L  L  L  L  L"),
        (1.00, "W  P  L  L  L  L  L  L"),
        (1.25, "W  HW L  L  L  L  L  L"),
        (1.50, "W  W  L  L  L  L  L  L"),
        (1.75, "W  W  HL L  L  L  L  L"),
        (2.00, "W  W  P  L  L  L  L  L"),
        (2.25, "W  W  HW L  L  L  L  L"),
        (2.50, "W  W  W  L  L  L  L  L"),
        (2.75, "W  W  W  HL L  L  L  L"),
        (3.00, "W  W  W  P  L  L  L  L"),
        (3.25, "W  W  W  HW L  L  L  L"),
        (3.50, "W  W  W  W  L  L  L  L"),
        (3.75, "W  W  W  W  HL L  L  L"),
        (4.00, "W  W  W  W  P  L  L  L"),
        (4.25, "W  W  W  W  HW L  L  L"),
        (4.50, "W  W  W  W  W  L  L  L"),
        (4.75, "W  W  W  W  W  HL L  L"),
        (5.00, "W  W  W  W  W  P  L  L"),
        (5.25, "W  W  W  W  W  HW L  L"),
        (5.50, "W  W  W  W  W  W  L  L"),
        (5.75, "W  W  W  W  W  W  HL L"),
        (6.00, "W  W  W  W  W  W  P  L"),
    ]

    /// Stake 1001 at 2.03, halves 500 (line − 0.25) and 501 (line + 0.25). By hand:
    /// won ⌊1001·2.03⌋ = ⌊2032.03⌋ = 2032; push 1001; lost 0.
    /// Handicap and under: the higher line is the better one, so half-won wins the 501 half
    /// (⌊501·2.03⌋ = 1017, + 500 back = 1517) and half-lost returns the 501 half.
    /// Over: the lower line is the better one: half-won ⌊500·2.03⌋ = 1015 + 501 = 1516,
    /// half-lost returns 500.
    static let higherHalfPayouts: [BetOutcome: Int64] = [.won: 2032, .halfWon: 1517, .push: 1001, .halfLost: 501, .lost: 0]
    static let lowerHalfPayouts: [BetOutcome: Int64] = [.won: 2032, .halfWon: 1516, .push: 1001, .halfLost: 500, .lost: 0]

    func settle(_ market: BetMarket, home: Int, away: Int) throws -> SettlementResult {
        let bet = BetSlip(stake: 1001, decimalOdds: 2.03, market: market)
        let decision = try Settler.settle(bet, status: .completed(EventScore(home: home, away: away)), now: 0)
        return try #require(decision.result)
    }

    @Test func handicapTableCoversEveryQuarterLine() {
        #expect(Self.handicapTable.map(\.0) == stride(from: -3.0, through: 3.0, by: 0.25).map { $0 })
        #expect(Self.overTable.map(\.0) == stride(from: 0.5, through: 6.0, by: 0.25).map { $0 })
        #expect(Self.underTable.map(\.0) == Self.overTable.map(\.0))
    }

    @Test(arguments: handicapTable)
    func homeHandicap(line: Double, row: String) throws {
        let expected = row.split(separator: " ").map { Self.outcome(String($0)) }
        for (column, margin) in (-3...3).enumerated() {
            // Margin m as m:0 or 0:−m, and a second score with the same margin.
            for (home, away) in [(max(margin, 0), max(-margin, 0)), (max(margin, 0) + 2, max(-margin, 0) + 2)] {
                let result = try settle(.handicap(.home, line: line), home: home, away: away)
                #expect(result.outcome == expected[column], "home \(line) at \(home)-\(away)")
                #expect(result.payout == Self.higherHalfPayouts[expected[column]])
                #expect(result.profit == result.payout - 1001)
            }
        }
    }

    @Test(arguments: handicapTable)
    func awayHandicapIsTheMirror(line: Double, row: String) throws {
        // Away +line with the away side winning by m is the home row at margin m.
        let expected = row.split(separator: " ").map { Self.outcome(String($0)) }
        for (column, awayMargin) in (-3...3).enumerated() {
            let result = try settle(
                .handicap(.away, line: line), home: max(-awayMargin, 0), away: max(awayMargin, 0))
            #expect(result.outcome == expected[column], "away \(line) by \(awayMargin)")
            #expect(result.payout == Self.higherHalfPayouts[expected[column]])
        }
    }

    @Test(arguments: overTable)
    func over(line: Double, row: String) throws {
        let expected = row.split(separator: " ").map { Self.outcome(String($0)) }
        for goals in 0...7 {
            let result = try settle(.total(.over, line: line), home: goals / 2, away: goals - goals / 2)
            #expect(result.outcome == expected[goals], "over \(line) with \(goals)")
            #expect(result.payout == Self.lowerHalfPayouts[expected[goals]])
        }
    }

    @Test(arguments: underTable)
    func under(line: Double, row: String) throws {
        let expected = row.split(separator: " ").map { Self.outcome(String($0)) }
        for goals in 0...7 {
            let result = try settle(.total(.under, line: line), home: goals, away: 0)
            #expect(result.outcome == expected[goals], "under \(line) with \(goals)")
            #expect(result.payout == Self.higherHalfPayouts[expected[goals]])
        }
    }

    @Test func notesExample() throws {
        // Home −0.75, home wins by 1: half won, half push → stake/2·O + stake/2 (stake 1000 @ 1.90:
        // 500·1.9 + 500 = 1450).
        let bet = BetSlip(stake: 1000, decimalOdds: 1.9, market: .handicap(.home, line: -0.75))
        let result = try #require(try Settler.settle(bet, status: .completed(.init(home: 2, away: 1)), now: 0).result)
        #expect(result == SettlementResult(outcome: .halfWon, stake: 1000, payout: 1450))
        #expect(result.profit == 450)
    }

    @Test func oneUnitStakeOnQuarterLine() throws {
        // Halves 0 and 1: over 2.25 at 2 goals pushes the 2.0 half (0 units) and loses the 1 unit.
        let bet = BetSlip(stake: 1, decimalOdds: 3, market: .total(.over, line: 2.25))
        let result = try #require(try Settler.settle(bet, status: .completed(.init(home: 1, away: 1)), now: 0).result)
        #expect(result.outcome == .halfLost && result.payout == 0)
        // Under 2.25 at 2 goals: 0-unit half pushes, 1-unit half (2.5) wins ⌊1·3⌋ = 3.
        let under = BetSlip(stake: 1, decimalOdds: 3, market: .total(.under, line: 2.25))
        let won = try #require(try Settler.settle(under, status: .completed(.init(home: 1, away: 1)), now: 0).result)
        #expect(won.outcome == .halfWon && won.payout == 3)
    }

    @Test func basketballSpreadIncludesOvertime() throws {
        // Regulation 100-100, final 108-104 after OT: home −3.5 on the final score wins (margin 4),
        // on regulation it loses (margin 0).
        let score = EventScore(regulation: .init(home: 100, away: 100), final: .init(home: 108, away: 104))
        let ot = BetSlip(stake: 110, decimalOdds: 1.91, market: .handicap(.home, line: -3.5, basis: .includingOvertime))
        #expect(try Settler.settle(ot, status: .completed(score), now: 0).result?.outcome == .won)
        #expect(try Settler.settle(ot, status: .completed(score), now: 0).result?.payout == 210)  // ⌊110·1.91⌋ = 210
        let reg = BetSlip(stake: 110, decimalOdds: 1.91, market: .handicap(.home, line: -3.5))
        #expect(try Settler.settle(reg, status: .completed(score), now: 0).result?.outcome == .lost)
        // Total points 212 over 210.5 (final) wins; regulation 200 under 210.5 wins.
        let over = BetSlip(stake: 100, decimalOdds: 1.9, market: .total(.over, line: 210.5, basis: .includingOvertime))
        #expect(try Settler.settle(over, status: .completed(score), now: 0).result?.outcome == .won)
        let under = BetSlip(stake: 100, decimalOdds: 1.9, market: .total(.under, line: 210.5))
        #expect(try Settler.settle(under, status: .completed(score), now: 0).result?.outcome == .won)
    }
}
