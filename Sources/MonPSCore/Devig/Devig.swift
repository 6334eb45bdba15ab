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
///
/// Three entry points share one implementation of every method (and give bit-identical answers):
/// - ``devig(_:method:negativeMargin:)`` takes and returns arrays (``DevigResult``, with fair odds);
///   it allocates the two result arrays and nothing else.
/// - ``devig(_:method:negativeMargin:into:)`` reads and writes caller-owned buffers and allocates
///   nothing: the hot path for bulk work (e.g. a whole odds table laid out contiguously).
/// - ``devig(threeWay:method:negativeMargin:)`` is the allocation-free, pointer-free form for
///   1X2-style markets, on `SIMD3<Double>` values.
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
        var summary = DevigSummary(
            requestedMethod: method, method: method, parameter: nil, iterations: 0, margin: 0)
        let probabilities = try [Double](unsafeUninitializedCapacity: n) {
            (buffer, initialized) throws(DevigError) in
            summary = try decimalOdds.withUnsafeBufferPointer { (odds) throws(DevigError) in
                // A fresh array never overlaps the input and has exactly n slots.
                try devigUnchecked(odds, method: method, negativeMargin: negativeMargin, into: buffer)
            }
            initialized = n
        }
        return DevigResult(summary: summary, probabilities: probabilities)
    }

    /// De-vigs the market in `decimalOdds`, writing its fair probabilities into `probabilities`.
    /// Allocates nothing and keeps no reference to either buffer after returning.
    ///
    /// The answer is exactly (bit for bit) the one ``devig(_:method:negativeMargin:)`` returns:
    /// `probabilities[i]` equals its `probabilities[i]` and the summary its ``DevigResult/summary``.
    /// Fair odds are not written; they are `1 / probabilities[i]`.
    ///
    /// - Parameters:
    ///   - decimalOdds: the prices of every outcome of one market.
    ///   - method: the margin model.
    ///   - negativeMargin: what to do with an arbitrage book (default: reject).
    ///   - probabilities: receives the fair probabilities, in the order of `decimalOdds`. Must have
    ///     exactly `decimalOdds.count` elements of initialised memory (`Double` is trivial, so any
    ///     allocated `UnsafeMutableBufferPointer<Double>` qualifies) and must not share memory with
    ///     `decimalOdds`. Its contents are unspecified after a throw.
    /// - Returns: the method applied, its parameter, the solver iterations and the margin.
    /// - Throws: ``DevigBufferError/bufferSizeMismatch(oddsCount:probabilitiesCount:)`` or
    ///   ``DevigBufferError/overlappingBuffers`` for a misuse of the buffers (checked first, before
    ///   anything is written), otherwise ``DevigBufferError/devig(_:)`` wrapping the very
    ///   ``DevigError`` the array entry point throws for the same market.
    public static func devig(
        _ decimalOdds: UnsafeBufferPointer<Double>, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject,
        into probabilities: UnsafeMutableBufferPointer<Double>
    ) throws(DevigBufferError) -> DevigSummary {
        let n = decimalOdds.count
        guard probabilities.count == n else {
            throw .bufferSizeMismatch(oddsCount: n, probabilitiesCount: probabilities.count)
        }
        if n > 0, let odds = decimalOdds.baseAddress, let out = probabilities.baseAddress {
            let output = UnsafePointer(out)
            guard odds + n <= output || output + n <= odds else { throw .overlappingBuffers }
        }
        do throws(DevigError) {
            return try devigUnchecked(
                decimalOdds, method: method, negativeMargin: negativeMargin, into: probabilities)
        } catch {
            throw .devig(error)
        }
    }

    /// De-vigs a three-outcome market (e.g. home / draw / away) without allocating and without
    /// pointers; `SIMD3` is used only as a fixed-size container of three `Double`s.
    ///
    /// The answer is bit-identical to ``devig(_:method:negativeMargin:)`` on
    /// `[odds.x, odds.y, odds.z]`, and so are the errors (indices 0, 1, 2 for x, y, z).
    /// - Returns: the fair probabilities in the same lanes, and the summary.
    /// - Throws: ``DevigError``.
    public static func devig(
        threeWay decimalOdds: SIMD3<Double>, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy = .reject
    ) throws(DevigError) -> (probabilities: SIMD3<Double>, summary: DevigSummary) {
        // Six stack slots (withUnsafeTemporaryAllocation does not touch the heap at this size):
        // odds in [0, 3), probabilities in [3, 6).
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: 6) {
            (scratch) throws(DevigError) -> (probabilities: SIMD3<Double>, summary: DevigSummary) in
            scratch.initialize(repeating: 0)
            scratch[0] = decimalOdds.x
            scratch[1] = decimalOdds.y
            scratch[2] = decimalOdds.z
            let odds = UnsafeBufferPointer(rebasing: scratch[0..<3])
            let out = UnsafeMutableBufferPointer(rebasing: scratch[3..<6])
            let summary = try devigUnchecked(odds, method: method, negativeMargin: negativeMargin, into: out)
            return (SIMD3(out[0], out[1], out[2]), summary)
        }
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

    /// The one implementation behind every entry point.
    ///
    /// Requires (unchecked, guaranteed by the callers) `p.count == decimalOdds.count` and that the
    /// buffers do not overlap. `p` is the only working memory: it first receives the raw implied
    /// probabilities `r_i = 1/O_i`, which each method turns in place into raw fair probabilities;
    /// ``finish(_:)`` then renormalises them.
    private static func devigUnchecked(
        _ decimalOdds: UnsafeBufferPointer<Double>, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy, into p: UnsafeMutableBufferPointer<Double>
    ) throws(DevigError) -> DevigSummary {
        let n = decimalOdds.count
        guard n >= 2 else { throw .tooFewOutcomes(count: n) }
        var booksum = 0.0
        for i in 0..<n {
            let odds = decimalOdds[i]
            guard Odds.isValidDecimal(odds) else { throw .invalidOdds(index: i) }
            let implied = 1.0 / odds
            p[i] = implied
            booksum += implied
        }
        let margin = booksum - 1.0

        if abs(margin) <= zeroMarginTolerance {
            finish(p)
            return DevigSummary(
                requestedMethod: method, method: method, parameter: method.neutralParameter,
                iterations: 0, margin: margin)
        }
        if margin < 0 {
            switch negativeMargin {
            case .reject:
                throw .negativeMargin(margin: margin)
            case .fallbackToMultiplicative:
                finish(p)
                return DevigSummary(
                    requestedMethod: method, method: .multiplicative, parameter: nil, iterations: 0,
                    margin: margin)
            }
        }

        var parameter: Double? = nil
        var iterations = 0
        switch method {
        case .multiplicative:
            break  // Renormalisation in `finish` is exactly r_i / S.
        case .additive:
            try LinearDevig.additive(p, margin: margin)
        case .marginWeights:
            try LinearDevig.marginWeights(decimalOdds, margin: margin, into: p)
        case .power:
            (parameter, iterations) = ParametricDevig.power(p)
        case .shin:
            (parameter, iterations) = ParametricDevig.shin(p, booksum: booksum)
        case .oddsRatio:
            (parameter, iterations) = ParametricDevig.oddsRatio(p, booksum: booksum)
        }
        finish(p)
        return DevigSummary(
            requestedMethod: method, method: method, parameter: parameter, iterations: iterations,
            margin: margin)
    }

    /// Renormalises the final answer in place so it sums to 1 whatever the solver's residual.
    @inline(__always)
    private static func finish(_ p: UnsafeMutableBufferPointer<Double>) {
        var total = 0.0
        for value in p { total += value }
        for i in p.indices { p[i] /= total }
    }
}
