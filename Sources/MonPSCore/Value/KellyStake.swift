/// Converting Kelly fractions into stakes in integer minor units.
///
/// Rounding rule: **always down**, never stake more than Kelly says. The stake is
/// `⌊fraction × bankroll⌋` minor units, then rounded down to a multiple of `stakeUnit`
/// (e.g. `stakeUnit: 100` stakes whole euros from a bankroll in cents). A stake that rounds to
/// below one unit becomes 0 (no bet). Each stake is also clamped to the bankroll.
///
/// `fraction × bankroll` is evaluated in `Double`; for bankrolls below 2⁵³ minor units the
/// product is exact to well under one minor unit.
extension Kelly {
    /// The stake for one bankroll fraction, rounded down (see the rule above).
    /// - Throws: ``KellyError/invalidFraction``, ``KellyError/invalidBankroll``,
    ///   ``KellyError/invalidStakeUnit``.
    public static func stake(
        fraction: Double, bankroll: Int64, stakeUnit: Int64 = 1
    ) throws(KellyError) -> Int64 {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else { throw .invalidFraction }
        guard bankroll >= 0 else { throw .invalidBankroll }
        guard stakeUnit >= 1 else { throw .invalidStakeUnit }
        let raw = (fraction * Double(bankroll)).rounded(.down)
        // fraction ≤ 1, so raw ≤ bankroll up to Double rounding: clamp rather than trust it.
        let minor = raw >= Double(bankroll) ? bankroll : Int64(raw)
        return minor - minor % stakeUnit
    }

    /// Stakes for several fractions of the same bankroll (e.g. ``KellyAllocation/fractions``),
    /// each rounded down independently, so their total never exceeds the rounded-down total.
    /// - Throws: as ``stake(fraction:bankroll:stakeUnit:)``; a total above 1 is
    ///   ``KellyError/invalidFraction``.
    public static func stakes(
        fractions: [Double], bankroll: Int64, stakeUnit: Int64 = 1
    ) throws(KellyError) -> [Int64] {
        guard fractions.reduce(0, +) <= 1.0 + 1e-12 else { throw .invalidFraction }
        var result: [Int64] = []
        result.reserveCapacity(fractions.count)
        for fraction in fractions {
            result.append(try stake(fraction: fraction, bankroll: bankroll, stakeUnit: stakeUnit))
        }
        return result
    }
}
