/// Removes the bookmaker's margin from a market (any number of outcomes ≥ 2).
///
/// Contract, for every method:
/// - Input: decimal odds of all mutually exclusive outcomes of one market, each finite and > 1.
/// - Output probabilities are each in (0, 1) and are renormalised so that they sum to 1 within
///   1e-12 (the solvers stop at a tolerance of about 1e-15 on their parameter).
/// - A zero-margin market (`|M| ≤ 1e-12`) comes back unchanged, with the neutral parameter
///   (`k = 1`, `z = 0`, `c = 1`) and 0 iterations.
/// - A negative margin (arbitrage book) follows ``NegativeMarginPolicy``: by default it is
///   rejected with ``DevigError/negativeMargin(margin:)``.
/// - `additive` and `marginWeights` throw ``DevigError/nonPositiveProbability(index:method:)``
///   when a long shot would get a probability ≤ 0; they never clamp silently.
public enum Devig {
    /// Margins within this distance of 0 count as a zero-margin market.
    public static let zeroMarginTolerance = 1e-12

    /// De-vigs `decimalOdds` with `method`.
    /// - Parameters:
    ///   - decimalOdds: the prices of every outcome of one market.
    ///   - method: the margin model.
    ///   - negativeMargin: what to do with an arbitrage book (default: reject).
    /// - Throws: ``DevigError``.
    public static func devig(
        _ decimalOdds: [Double], method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject
    ) throws(DevigError) -> DevigResult {
        let n = decimalOdds.count
        guard n >= 2 else { throw .tooFewOutcomes(count: n) }
        var implied = [Double](repeating: 0, count: n)
        var booksum = 0.0
        for i in 0..<n {
            let odds = decimalOdds[i]
            guard Odds.isValidDecimal(odds) else { throw .invalidOdds(index: i) }
            implied[i] = 1.0 / odds
            booksum += implied[i]
        }
        let margin = booksum - 1.0

        if abs(margin) <= zeroMarginTolerance {
            return finish(
                requested: method, applied: method, &implied,
                parameter: method.neutralParameter, iterations: 0, margin: margin)
        }
        if margin < 0 {
            switch negativeMargin {
            case .reject:
                throw .negativeMargin(margin: margin)
            case .fallbackToMultiplicative:
                return finish(
                    requested: method, applied: .multiplicative, &implied,
                    parameter: nil, iterations: 0, margin: margin)
            }
        }

        // Every method below overwrites `implied` in place with its raw fair probabilities, so a
        // de-vig allocates only this buffer, the fair odds and, for the
        // solved methods, one scratch array.
        var parameter: Double? = nil
        var iterations = 0
        switch method {
        case .multiplicative:
            break  // Renormalisation in `finish` is exactly r_i / S.
        case .additive:
            try LinearDevig.additive(&implied, margin: margin)
        case .marginWeights:
            try LinearDevig.marginWeights(decimalOdds, margin: margin, into: &implied)
        case .power:
            (parameter, iterations) = ParametricDevig.power(&implied)
        case .shin:
            (parameter, iterations) = ParametricDevig.shin(&implied, booksum: booksum)
        case .oddsRatio:
            (parameter, iterations) = ParametricDevig.oddsRatio(&implied, booksum: booksum)
        }
        return finish(
            requested: method, applied: method, &implied, parameter: parameter,
            iterations: iterations, margin: margin)
    }

    /// De-vigs with every method in ``DevigMethod/allCases`` order; a method that fails
    /// is reported by its error rather than aborting the others.
    public static func devigAll(
        _ decimalOdds: [Double], negativeMargin: NegativeMarginPolicy = .reject
    ) -> [DevigMethod: Result<DevigResult, DevigError>] {
        var results: [DevigMethod: Result<DevigResult, DevigError>] = [:]
        for method in DevigMethod.allCases {
            do throws(DevigError) {
                results[method] = .success(
                    try devig(decimalOdds, method: method, negativeMargin: negativeMargin))
            } catch {
                results[method] = .failure(error)
            }
        }
        return results
    }

    /// Renormalises the final answer so it sums to 1 whatever the solver's residual.
    private static func finish(
        requested: DevigMethod, applied: DevigMethod, _ probabilities: inout [Double],
        parameter: Double?, iterations: Int, margin: Double
    ) -> DevigResult {
        var total = 0.0
        for value in probabilities { total += value }
        for i in probabilities.indices { probabilities[i] /= total }
        return DevigResult(
            requestedMethod: requested, method: applied, probabilities: probabilities,
            parameter: parameter, iterations: iterations, margin: margin)
    }
}
