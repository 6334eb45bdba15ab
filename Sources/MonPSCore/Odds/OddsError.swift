/// Why an odds value or an odds conversion was rejected.
///
/// Conversions never trap and never return NaN: every input that has no meaningful answer is
/// reported with one of these cases.
public enum OddsError: Error, Equatable, Hashable, Sendable {
    /// Decimal odds must be finite and strictly greater than 1.0.
    case invalidDecimal
    /// American odds must be finite with `|odds| >= 100` (0 and −99…+99 do not exist).
    case invalidAmerican
    /// Fractional odds need a numerator and a denominator that are both > 0.
    case invalidFractional
    /// A probability must be finite and strictly inside (0, 1).
    case invalidProbability
    /// The maximum denominator for a rational approximation must be in 1...1_000_000.
    case invalidMaxDenominator
    /// The value is too large to be represented in the requested format
    /// (fractional conversion accepts decimal odds up to 1 + 10⁹).
    case outOfRange
    /// A market needs at least two outcomes.
    case tooFewOutcomes(count: Int)
    /// The decimal odds at this index of a market are invalid.
    case invalidMarketOdds(index: Int)
}
