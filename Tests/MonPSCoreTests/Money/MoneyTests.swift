import Testing

@testable import MonPSCore

@Suite("Money in minor units")
struct MoneyTests {
    @Test func payoutsAreExactAndRoundDown() throws {
        // 100 × 1.15 is 114.99999999999999 in Double; quantised odds give exactly 115.
        #expect(try Money.payout(stake: 100, decimalOdds: 1.15) == 115)
        #expect(try Money.payout(stake: 100, decimalOdds: 1.91) == 191)
        // 1001 × 2.03 = 2032.03 → 2032 (round down).
        #expect(try Money.payout(stake: 1001, decimalOdds: 2.03) == 2032)
        // 3 × 1.5 = 4.5 → 4; 1 × 1.999999 → 1.
        #expect(try Money.payout(stake: 3, decimalOdds: 1.5) == 4)
        #expect(try Money.payout(stake: 1, decimalOdds: 1.999999) == 1)
        #expect(try Money.payout(stake: 0, decimalOdds: 3) == 0)
        // Odds beyond 6 decimals are quantised to the nearest micro-unit: 1.2345675 → 1.234568
        // (ties to even on the exact binary value), so 10⁶ × odds is 1 234 568 (or 567).
        let q = try Money.oddsMicros(1.2345675)
        #expect(q == 1_234_568 || q == 1_234_567)
        #expect(try Money.oddsMicros(1.91) == 1_910_000)
    }

    @Test func deadHeatDivisor() throws {
        // Two tied at 3.00: 1000/2 × 3 = 1500; 1001 × 3 / 2 = 1501.5 → 1501.
        #expect(try Money.payout(stake: 1000, decimalOdds: 3, divisor: 2) == 1500)
        #expect(try Money.payout(stake: 1001, decimalOdds: 3, divisor: 2) == 1501)
        #expect(try Money.payout(stake: 1000, decimalOdds: 3, divisor: 3) == 1000)
    }

    @Test func largeValuesAndOverflow() throws {
        // Int64.max × 1.000001 does not fit; Int64.max / 2 × 2 does (exactly Int64.max − 1).
        #expect(throws: MoneyError.overflow) { try Money.payout(stake: .max, decimalOdds: 2) }
        #expect(try Money.payout(stake: Int64.max / 2, decimalOdds: 2) == Int64.max - 1)
        #expect(try Money.payout(stake: Int64.max, decimalOdds: 2, divisor: 2) == Int64.max)
        #expect(throws: MoneyError.overflow) { try Money.payout(stake: .max, decimalOdds: 1e12) }
    }

    @Test func errors() {
        #expect(throws: MoneyError.invalidStake) { try Money.payout(stake: -1, decimalOdds: 2) }
        #expect(throws: MoneyError.invalidOdds) { try Money.payout(stake: 1, decimalOdds: 1) }
        #expect(throws: MoneyError.invalidOdds) { try Money.payout(stake: 1, decimalOdds: 2e12) }
        #expect(throws: MoneyError.invalidOdds) { try Money.oddsMicros(.nan) }
        #expect(throws: MoneyError.invalidDivisor) { try Money.payout(stake: 1, decimalOdds: 2, divisor: 0) }
    }
}
