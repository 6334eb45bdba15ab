/// Expected value and edge of a price against a fair probability.
///
/// For a unit stake at decimal odds `O` on an outcome with fair probability `p` (fair odds
/// `F = 1/p`): `EV = p·O − 1` and `edge = O/F − 1`, which is the same number.
public enum ValueAnalysis {
    /// `p·O − 1`: expected profit per unit staked.
    /// - Throws: ``ValueError/invalidOdds``, ``ValueError/invalidProbability`` (p must be in (0, 1)).
    public static func expectedValue(
        decimalOdds: Double, fairProbability: Double
    ) throws(ValueError) -> Double {
        guard Odds.isValidDecimal(decimalOdds) else { throw .invalidOdds }
        guard fairProbability.isFinite, fairProbability > 0, fairProbability < 1 else {
            throw .invalidProbability
        }
        return fairProbability * decimalOdds - 1.0
    }

    /// `O/F − 1`: how much the offered price exceeds the fair price.
    /// - Throws: ``ValueError/invalidOdds`` when either price is invalid.
    public static func edge(decimalOdds: Double, fairOdds: Double) throws(ValueError) -> Double {
        guard Odds.isValidDecimal(decimalOdds), Odds.isValidDecimal(fairOdds) else {
            throw .invalidOdds
        }
        return decimalOdds / fairOdds - 1.0
    }

    /// Fair odds of every outcome from a sharp bookmaker's prices, de-vigged by `method`.
    /// - Throws: ``ValueError/devig(_:)``.
    public static func fairOdds(
        sharpOdds: [Double], method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject
    ) throws(ValueError) -> DevigResult {
        do throws(DevigError) {
            return try Devig.devig(sharpOdds, method: method, negativeMargin: negativeMargin)
        } catch {
            throw .devig(error)
        }
    }

    /// Assesses a price offered on outcome `selection` against the fair price of that outcome
    /// derived from the sharp book's full market.
    /// - Parameters:
    ///   - decimalOdds: the price on offer (any bookmaker).
    ///   - sharpOdds: the sharp bookmaker's prices for all outcomes of the same market.
    ///   - selection: index of the outcome in `sharpOdds`.
    /// - Throws: ``ValueError``.
    public static func assess(
        decimalOdds: Double, sharpOdds: [Double], selection: Int, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject
    ) throws(ValueError) -> ValueAssessment {
        guard Odds.isValidDecimal(decimalOdds) else { throw .invalidOdds }
        let fair = try fairOdds(sharpOdds: sharpOdds, method: method, negativeMargin: negativeMargin)
        guard fair.probabilities.indices.contains(selection) else { throw .selectionOutOfRange }
        let p = fair.probabilities[selection]
        return ValueAssessment(
            decimalOdds: decimalOdds, fairProbability: p, fairOdds: fair.fairOdds[selection],
            expectedValue: p * decimalOdds - 1.0, devig: fair)
    }
}

/// A price compared with its fair value.
public struct ValueAssessment: Sendable, Equatable, Hashable, Codable {
    /// The price on offer.
    public let decimalOdds: Double
    /// Fair probability of the outcome.
    public let fairProbability: Double
    /// Fair odds `1/p`.
    public let fairOdds: Double
    /// `p·O − 1` (equal to the edge `O/F − 1`).
    public let expectedValue: Double
    /// The de-vig that produced the fair price.
    public let devig: DevigResult

    /// The edge `O/F − 1` (same number as ``expectedValue``).
    public var edge: Double { expectedValue }
    /// `true` when the price beats the fair price (EV > 0).
    public var isValue: Bool { expectedValue > 0 }
}

/// Why a value computation was rejected.
public enum ValueError: Error, Equatable, Hashable, Sendable {
    /// A decimal price was not finite or not > 1.
    case invalidOdds
    /// A probability outside (0, 1).
    case invalidProbability
    /// The selection index is not an outcome of the market.
    case selectionOutOfRange
    /// The sharp market could not be de-vigged.
    case devig(DevigError)
}
