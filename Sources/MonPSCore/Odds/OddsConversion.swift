/// Validation and conversion between decimal, American and implied-probability odds.
///
/// Decimal odds (`Double`, the total return per unit staked, > 1.0) are the canonical format of
/// MonPS; every other format converts through them. Fractional odds live in ``FractionalOdds``.
public enum Odds {
    /// `true` when `decimal` is a usable decimal price: finite and strictly greater than 1.0.
    @inlinable
    public static func isValidDecimal(_ decimal: Double) -> Bool {
        decimal.isFinite && decimal > 1.0
    }

    /// Returns `decimal` unchanged when it is a valid decimal price.
    /// - Throws: ``OddsError/invalidDecimal`` when it is not finite or not > 1.0.
    public static func validatedDecimal(_ decimal: Double) throws(OddsError) -> Double {
        guard isValidDecimal(decimal) else { throw .invalidDecimal }
        return decimal
    }

    /// The raw implied probability `1 / decimal` (margin included).
    /// - Throws: ``OddsError/invalidDecimal``.
    public static func impliedProbability(decimal: Double) throws(OddsError) -> Double {
        1.0 / (try validatedDecimal(decimal))
    }

    /// The decimal price `1 / probability` of a probability in (0, 1).
    /// - Throws: ``OddsError/invalidProbability``.
    public static func decimal(fromProbability probability: Double) throws(OddsError) -> Double {
        guard probability.isFinite, probability > 0, probability < 1 else { throw .invalidProbability }
        return 1.0 / probability
    }

    /// Converts American (moneyline) odds to decimal odds.
    ///
    /// `+150` → 2.50 (`1 + a/100`); `−200` → 1.50 (`1 + 100/|a|`); `±100` → 2.00.
    /// - Throws: ``OddsError/invalidAmerican`` when not finite or `|american| < 100`.
    public static func decimal(fromAmerican american: Double) throws(OddsError) -> Double {
        guard american.isFinite, american.magnitude >= 100 else { throw .invalidAmerican }
        return american > 0 ? 1.0 + american / 100.0 : 1.0 + 100.0 / american.magnitude
    }

    /// Converts decimal odds to American odds, unrounded (callers round for display).
    ///
    /// Decimal ≥ 2.0 gives a positive line `100·(d − 1)`; below 2.0 a negative line `−100/(d − 1)`.
    /// Evens (2.0) is reported as `+100`.
    /// - Throws: ``OddsError/invalidDecimal``.
    public static func american(fromDecimal decimal: Double) throws(OddsError) -> Double {
        let d = try validatedDecimal(decimal)
        return d >= 2.0 ? 100.0 * (d - 1.0) : -100.0 / (d - 1.0)
    }

    /// Converts fractional odds to decimal odds: `1 + numerator/denominator`.
    public static func decimal(fromFractional fractional: FractionalOdds) -> Double {
        fractional.decimal
    }

    /// The best fractional approximation of a decimal price; see
    /// ``FractionalOdds/init(approximatingDecimal:maxDenominator:)``.
    public static func fractional(
        fromDecimal decimal: Double, maxDenominator: Int = 100
    ) throws(OddsError) -> FractionalOdds {
        try FractionalOdds(approximatingDecimal: decimal, maxDenominator: maxDenominator)
    }
}
