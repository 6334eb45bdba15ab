/// Booksum and margin (overround) of one market: all mutually exclusive outcomes of one event.
///
/// With raw implied probabilities `r_i = 1/O_i`, the booksum is `S = Σ r_i` and the margin is
/// `M = S − 1` (0.05 = a 5% overround; negative = an arbitrage book).
public enum MarketMargin {
    /// `Σ 1/O_i` over the decimal odds of a market.
    /// - Throws: ``OddsError/tooFewOutcomes(count:)`` for fewer than 2 outcomes,
    ///   ``OddsError/invalidMarketOdds(index:)`` for the first invalid price.
    public static func booksum(_ decimalOdds: [Double]) throws(OddsError) -> Double {
        guard decimalOdds.count >= 2 else { throw .tooFewOutcomes(count: decimalOdds.count) }
        var sum = 0.0
        for (index, odds) in decimalOdds.enumerated() {
            guard Odds.isValidDecimal(odds) else { throw .invalidMarketOdds(index: index) }
            sum += 1.0 / odds
        }
        return sum
    }

    /// The margin (overround) `Σ 1/O_i − 1`.
    /// - Throws: as ``booksum(_:)``.
    public static func margin(_ decimalOdds: [Double]) throws(OddsError) -> Double {
        try booksum(decimalOdds) - 1.0
    }
}
