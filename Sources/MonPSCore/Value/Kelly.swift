/// Kelly staking as fractions of the bankroll.
///
/// - One bet: `f* = (p·O − 1)/(O − 1)`, then `λ·f*` (fractional Kelly), then capped at `cap`;
///   no bet (0) when `f* ≤ 0`.
/// - Several mutually exclusive outcomes of one event: the exact simultaneous solution of
///   Smoczyński & Tomkins (2010), see ``simultaneous(probabilities:decimalOdds:multiplier:cap:)``.
public enum Kelly {
    /// Full Kelly fraction for one bet, 0 when the bet has no positive edge.
    /// - Throws: ``KellyError/invalidProbability(index:)`` (p must be in (0, 1)),
    ///   ``KellyError/invalidOdds(index:)``.
    public static func fullFraction(
        probability: Double, decimalOdds: Double
    ) throws(KellyError) -> Double {
        try validate(probability: probability, odds: decimalOdds, index: 0)
        let f = (probability * decimalOdds - 1.0) / (decimalOdds - 1.0)
        return f > 0 ? f : 0
    }

    /// Fractional, capped Kelly for one bet: `min(λ·f*, cap)`, 0 when `f* ≤ 0`.
    /// - Parameters:
    ///   - multiplier: λ > 0 (0.5 = half Kelly; values > 1 over-bet and are still capped).
    ///   - cap: the largest share of the bankroll to stake, in (0, 1].
    /// - Throws: ``KellyError``.
    public static func fraction(
        probability: Double, decimalOdds: Double, multiplier: Double = 1.0, cap: Double = 1.0
    ) throws(KellyError) -> Double {
        try validate(multiplier: multiplier, cap: cap)
        let full = try fullFraction(probability: probability, decimalOdds: decimalOdds)
        return min(multiplier * full, cap)
    }

    /// Simultaneous Kelly on mutually exclusive outcomes of one event (Smoczyński & Tomkins 2010).
    ///
    /// Sort outcomes by `p_i·O_i` (descending; ties keep input order); start with `R = 1` and an
    /// empty set; add the next outcome while `p_i·O_i > R`, recomputing
    /// `R = (1 − Σ_set p_j)/(1 − Σ_set 1/O_j)`; stake `f_i = p_i − R/O_i` on the set, 0 elsewhere.
    /// An outcome whose addition would make `Σ_set 1/O_j ≥ 1` is never admitted. An arbitrage
    /// market (`Σ 1/O_i < 1`) with `Σ p = 1` admits every outcome and ends with `R = 0`, `f_i = p_i`.
    /// Then every fraction is multiplied by λ and, if their total exceeds `cap`, all are scaled
    /// by the same factor so the total equals `cap` (proportions between outcomes are kept).
    /// - Parameters:
    ///   - probabilities: fair probabilities of the outcomes, each in (0, 1), summing to ≤ 1
    ///     (a sum below 1 means some outcomes are not offered).
    ///   - decimalOdds: the prices, same count and order.
    /// - Throws: ``KellyError``.
    public static func simultaneous(
        probabilities: [Double], decimalOdds: [Double], multiplier: Double = 1.0, cap: Double = 1.0
    ) throws(KellyError) -> KellyAllocation {
        try validate(multiplier: multiplier, cap: cap)
        guard probabilities.count == decimalOdds.count, !probabilities.isEmpty else {
            throw .countMismatch
        }
        var pSum = 0.0
        for i in probabilities.indices {
            try validate(probability: probabilities[i], odds: decimalOdds[i], index: i)
            pSum += probabilities[i]
        }
        guard pSum <= 1.0 + 1e-9 else { throw .probabilitiesExceedOne }

        let order = probabilities.indices.sorted {
            let l = probabilities[$0] * decimalOdds[$0], r = probabilities[$1] * decimalOdds[$1]
            return l != r ? l > r : $0 < $1
        }
        var reserve = 1.0  // R: the optimal share of wealth kept out of the set.
        var setP = 0.0, setInverse = 0.0
        var chosen: [Int] = []
        for i in order {
            guard probabilities[i] * decimalOdds[i] > reserve else { break }
            let nextP = setP + probabilities[i]
            let nextInverse = setInverse + 1.0 / decimalOdds[i]
            let numerator = max(0.0, 1.0 - nextP)
            let denominator = 1.0 - nextInverse
            // With Σ p = 1 and a booksum ≥ 1 the last outcome never passes `p·O > R`, so the
            // denominator stays > 0; guard anyway so R is never undefined or negative.
            guard denominator > 0 else { break }
            reserve = numerator / denominator
            setP = nextP; setInverse = nextInverse
            chosen.append(i)
        }
        var full = [Double](repeating: 0, count: probabilities.count)
        for i in chosen { full[i] = max(0, probabilities[i] - reserve / decimalOdds[i]) }
        var scaled = full.map { $0 * multiplier }
        let total = scaled.reduce(0, +)
        let capped = total > cap
        if capped {
            let factor = cap / total
            scaled = scaled.map { $0 * factor }
        }
        return KellyAllocation(
            fractions: scaled, fullKellyFractions: full, reserveRate: reserve, capped: capped)
    }

    private static func validate(probability: Double, odds: Double, index: Int) throws(KellyError) {
        guard probability.isFinite, probability > 0, probability < 1 else {
            throw .invalidProbability(index: index)
        }
        guard Odds.isValidDecimal(odds) else { throw .invalidOdds(index: index) }
    }

    private static func validate(multiplier: Double, cap: Double) throws(KellyError) {
        guard multiplier.isFinite, multiplier > 0 else { throw .invalidMultiplier }
        guard cap.isFinite, cap > 0, cap <= 1 else { throw .invalidCap }
    }
}

/// The result of a simultaneous Kelly computation.
public struct KellyAllocation: Sendable, Equatable, Hashable, Codable {
    /// Bankroll fractions to stake per outcome (input order), after λ and the cap.
    public let fractions: [Double]
    /// The full-Kelly fractions before λ and the cap.
    public let fullKellyFractions: [Double]
    /// Smoczyński–Tomkins `R` of the chosen set (1 when nothing is bet).
    public let reserveRate: Double
    /// `true` when the total was scaled down to the cap.
    public let capped: Bool

    /// Sum of ``fractions``.
    public var total: Double { fractions.reduce(0, +) }
}

/// Why a Kelly computation was rejected.
public enum KellyError: Error, Equatable, Hashable, Sendable {
    /// A probability outside (0, 1) at this index.
    case invalidProbability(index: Int)
    /// A decimal price not finite or not > 1 at this index.
    case invalidOdds(index: Int)
    /// The Kelly multiplier λ must be finite and > 0.
    case invalidMultiplier
    /// The cap must be in (0, 1].
    case invalidCap
    /// Probabilities and odds differ in count, or are empty.
    case countMismatch
    /// Probabilities of mutually exclusive outcomes sum to more than 1.
    case probabilitiesExceedOne
    /// A bankroll below 0.
    case invalidBankroll
    /// A minimum stake unit below 1.
    case invalidStakeUnit
    /// A fraction not finite or outside [0, 1].
    case invalidFraction
}
