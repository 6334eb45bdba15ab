/// Money arithmetic in integer minor units (cents, pence…). Money is never a `Double` in MonPS.
///
/// Rule for every payout: the decimal odds are first quantised to micro-units (the nearest
/// multiple of 10⁻⁶, so 1.91 — stored as 1.90999… in binary — becomes exactly 1_910_000), then
/// `stake × oddsMicros` is computed exactly in 128-bit integer arithmetic and **rounded down to
/// the minor unit** (never pay more than the exact product). No floating-point rounding reaches
/// the result.
public enum Money {
    /// Quantisation scale of decimal odds for payouts: 10⁶ micro-units per 1.0.
    public static let oddsScale: Int64 = 1_000_000
    /// Largest decimal odds accepted for a payout (keeps micro-units within `Int64`).
    public static let maxPayoutOdds = 1e12

    /// The decimal odds rounded to the nearest micro-unit (10⁻⁶), as an integer.
    /// - Throws: ``MoneyError/invalidOdds`` unless finite, > 1 and ≤ ``maxPayoutOdds``.
    public static func oddsMicros(_ decimalOdds: Double) throws(MoneyError) -> Int64 {
        guard Odds.isValidDecimal(decimalOdds), decimalOdds <= maxPayoutOdds else {
            throw .invalidOdds
        }
        return Int64((decimalOdds * Double(oddsScale)).rounded(.toNearestOrEven))
    }

    /// Gross return `⌊stake × odds / divisor⌋` in minor units (stake included), odds quantised to
    /// micro-units first. `divisor` > 1 is the dead-heat rule: the stake is divided by the number
    /// of tied selections and that part is paid at full odds.
    /// - Throws: ``MoneyError/invalidStake`` for a negative stake, ``MoneyError/invalidOdds``,
    ///   ``MoneyError/invalidDivisor`` for a divisor < 1, ``MoneyError/overflow`` when the
    ///   result does not fit in `Int64`.
    public static func payout(
        stake: Int64, decimalOdds: Double, divisor: Int64 = 1
    ) throws(MoneyError) -> Int64 {
        guard stake >= 0 else { throw .invalidStake }
        guard divisor >= 1 else { throw .invalidDivisor }
        let micros = try oddsMicros(decimalOdds)
        let product = UInt64(stake).multipliedFullWidth(by: UInt64(micros))
        // scale × divisor ≤ 10⁶ × Int64.max does not fit in 64 bits, so divide in two steps:
        // ⌊⌊x / a⌋ / b⌋ = ⌊x / (a·b)⌋ for positive integers.
        let scale = UInt64(oddsScale)
        guard product.high < scale else { throw .overflow }
        let quotient = scale.dividingFullWidth(product).quotient / UInt64(divisor)
        guard quotient <= UInt64(Int64.max) else { throw .overflow }
        return Int64(quotient)
    }
}

/// Why a money computation was rejected.
public enum MoneyError: Error, Equatable, Hashable, Sendable {
    /// A stake or amount was negative.
    case invalidStake
    /// Decimal odds not finite, not > 1, or above ``Money/maxPayoutOdds``.
    case invalidOdds
    /// A dead-heat divisor below 1.
    case invalidDivisor
    /// The result does not fit in `Int64` minor units.
    case overflow
}
