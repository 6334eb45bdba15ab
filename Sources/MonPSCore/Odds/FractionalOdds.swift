/// Fractional (UK) odds `numerator/denominator`: the profit per `denominator` units staked.
///
/// `5/2` is decimal 3.50, `1/2` is decimal 1.50, evens `1/1` is decimal 2.00.
public struct FractionalOdds: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Profit part, > 0.
    public let numerator: Int
    /// Stake part, > 0.
    public let denominator: Int

    /// Creates fractional odds as given (not reduced; see ``reduced()``).
    /// - Throws: ``OddsError/invalidFractional`` unless both parts are > 0.
    public init(numerator: Int, denominator: Int) throws(OddsError) {
        guard numerator > 0, denominator > 0 else { throw .invalidFractional }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The equivalent decimal price `1 + numerator/denominator`.
    public var decimal: Double { 1.0 + Double(numerator) / Double(denominator) }

    /// `"numerator/denominator"`.
    public var description: String { "\(numerator)/\(denominator)" }

    /// The same odds in lowest terms (`10/4` → `5/2`).
    public func reduced() -> FractionalOdds {
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        // Both parts stay > 0 after dividing by their gcd, so this cannot fail.
        return FractionalOdds(unchecked: numerator / a, denominator / a)
    }

    private enum CodingKeys: String, CodingKey {
        case numerator, denominator
    }

    /// Decodes `{"numerator": n, "denominator": d}`, rejecting parts ≤ 0 like the initialiser.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let numerator = try container.decode(Int.self, forKey: .numerator)
        let denominator = try container.decode(Int.self, forKey: .denominator)
        guard numerator > 0, denominator > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: numerator > 0 ? .denominator : .numerator, in: container,
                debugDescription: "fractional odds need numerator and denominator > 0")
        }
        self.init(unchecked: numerator, denominator)
    }

    private init(unchecked numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The best rational approximation of `decimal − 1` with a denominator ≤ `maxDenominator`.
    ///
    /// Algorithm: continued-fraction expansion of `x = decimal − 1`; the last convergent whose
    /// denominator fits is compared with the best semiconvergent (as in Python's
    /// `Fraction.limit_denominator`), and the one closer to `x` wins (ties go to the convergent,
    /// which has the smaller denominator). The result is in lowest terms. Because fractional odds
    /// cannot be zero, a price closer to 1.0 than `1/maxDenominator` allows becomes
    /// `1/maxDenominator`.
    ///
    /// Examples: 2.5 → 3/2; 1.909091 → 10/11; 1.91 → 91/100 (max 100) or 9/10 (max 10).
    /// - Throws: ``OddsError/invalidDecimal``, ``OddsError/invalidMaxDenominator`` (outside
    ///   1...1_000_000), ``OddsError/outOfRange`` (decimal > 1 + 10⁹).
    public init(approximatingDecimal decimal: Double, maxDenominator: Int = 100) throws(OddsError) {
        let d = try Odds.validatedDecimal(decimal)
        guard (1...1_000_000).contains(maxDenominator) else { throw .invalidMaxDenominator }
        let x = d - 1.0
        guard x <= 1e9 else { throw .outOfRange }

        // Convergents h/k: (h0/k0) is the one before (h1/k1). Start with 0/1 and 1/0.
        var h0 = 0, k0 = 1, h1 = 1, k1 = 0
        var value = x
        var result: (Int, Int)? = nil
        for _ in 0..<64 {
            let floorValue = value.rounded(.down)
            // a ≤ 10¹² because the remainder below is cut at 1e-12, so it fits in Int.
            let a = Int(floorValue)
            let (ak, overflow) = a.multipliedReportingOverflow(by: k1)
            if overflow || ak > maxDenominator - k0 {
                // The next convergent's denominator is too large: try the best semiconvergent.
                let t = (maxDenominator - k0) / k1
                let semi = (t * h1 + h0, t * k1 + k0)
                let semiError = abs(Double(semi.0) / Double(semi.1) - x)
                let convError = abs(Double(h1) / Double(k1) - x)
                result = semiError < convError ? semi : (h1, k1)
                break
            }
            (h0, h1) = (h1, a * h1 + h0)
            (k0, k1) = (k1, ak + k0)
            let remainder = value - floorValue
            // Stop when x is (numerically) exactly the current convergent.
            if remainder < 1e-12 { break }
            value = 1.0 / remainder
        }
        let (n, k) = result ?? (h1, k1)
        let positive = n > 0 ? (n, k) : (1, maxDenominator)
        self = FractionalOdds(unchecked: positive.0, positive.1).reduced()
    }
}
