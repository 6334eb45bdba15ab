/// A method for removing the bookmaker's margin from a market's prices.
///
/// With raw implied probabilities `r_i = 1/O_i`, booksum `S = Σ r_i` and margin `M = S − 1`:
/// - `multiplicative`: `p_i = r_i / S` (basic normalisation).
/// - `additive`: `p_i = r_i − M/n` (equal margin per outcome; long shots can go ≤ 0).
/// - `power`: `p_i = r_i^k`, `k` solved so `Σ p_i = 1`.
/// - `shin`: Shin's model, `p_i = (√(z² + 4(1−z)·r_i²/S) − z) / (2(1−z))`, insider share `z` solved.
/// - `oddsRatio`: Cheung's odds ratio, `p_i = r_i / (c + r_i − c·r_i)`, `c` solved.
/// - `marginWeights`: Buchdahl's "margin weights proportional to odds",
///   `p_i = (n − M·O_i)/(n·O_i)`; algebraically identical to `additive`.
public enum DevigMethod: String, CaseIterable, Sendable, Codable, Hashable {
    /// `p_i = r_i / S`.
    case multiplicative
    /// `p_i = r_i − M/n`.
    case additive
    /// `p_i = r_i^k`.
    case power
    /// Shin (1993), parameter `z` = share of insider money.
    case shin
    /// Cheung (2015) odds ratio, parameter `c`.
    case oddsRatio = "odds_ratio"
    /// Buchdahl (2016) margin weights proportional to odds.
    case marginWeights = "margin_weights"

    /// The value of the method's parameter that leaves a zero-margin market unchanged
    /// (`k = 1`, `z = 0`, `c = 1`), or `nil` for the methods without a parameter.
    public var neutralParameter: Double? {
        switch self {
        case .power, .oddsRatio: 1.0
        case .shin: 0.0
        case .multiplicative, .additive, .marginWeights: nil
        }
    }
}

/// What to do with a market whose booksum is below 1 (negative margin: an arbitrage book,
/// usually stale or mis-keyed prices).
public enum NegativeMarginPolicy: String, Sendable, Codable, CaseIterable, Hashable {
    /// Throw ``DevigError/negativeMargin(margin:)`` for every method (the default: such prices
    /// are rarely a sound base for a fair price).
    case reject
    /// Return the multiplicative (normalised) answer for every method; the result's
    /// ``DevigResult/method`` is then `.multiplicative` and ``DevigResult/usedFallback`` is true.
    case fallbackToMultiplicative = "fallback_to_multiplicative"
}

/// Why a market could not be de-vigged.
public enum DevigError: Error, Equatable, Hashable, Sendable {
    /// Fewer than 2 outcomes.
    case tooFewOutcomes(count: Int)
    /// The decimal odds at this index are not finite or not > 1.0.
    case invalidOdds(index: Int)
    /// The booksum is below 1 and the policy is ``NegativeMarginPolicy/reject``.
    case negativeMargin(margin: Double)
    /// `additive` / `marginWeights` produced a fair probability ≤ 0 at this index (a long shot
    /// whose implied probability is smaller than its share `M/n` of the margin).
    case nonPositiveProbability(index: Int, method: DevigMethod)
}

/// Why the buffer entry point ``Devig/devig(_:method:negativeMargin:into:)`` did not de-vig.
///
/// A separate type rather than new ``DevigError`` cases, so that code switching exhaustively over
/// ``DevigError`` (the HTTP error mapping) is unaffected by the buffer API.
public enum DevigBufferError: Error, Equatable, Hashable, Sendable {
    /// The market itself was rejected: exactly the error the array entry point throws.
    case devig(DevigError)
    /// The output buffer does not have one slot per outcome.
    case bufferSizeMismatch(oddsCount: Int, probabilitiesCount: Int)
    /// The output buffer shares memory with the input odds.
    case overlappingBuffers
}

/// Everything a de-vig reports besides the probabilities (and the fair odds derived from them):
/// the result of the allocation-free entry points.
public struct DevigSummary: Sendable, Equatable, Hashable, Codable {
    /// The method that was asked for.
    public let requestedMethod: DevigMethod
    /// The method actually applied (differs only after a negative-margin fallback).
    public let method: DevigMethod
    /// The solved parameter: power `k`, Shin `z`, odds-ratio `c`; `nil` for the other methods.
    public let parameter: Double?
    /// Root-finder iterations used (0 for closed-form methods and zero-margin markets).
    public let iterations: Int
    /// The input market's margin `Σ 1/O_i − 1`.
    public let margin: Double

    /// `true` when the negative-margin fallback replaced the requested method.
    public var usedFallback: Bool { method != requestedMethod }

    /// Creates a summary.
    public init(
        requestedMethod: DevigMethod, method: DevigMethod, parameter: Double?, iterations: Int,
        margin: Double
    ) {
        self.requestedMethod = requestedMethod
        self.method = method
        self.parameter = parameter
        self.iterations = iterations
        self.margin = margin
    }
}

/// Fair probabilities of a market after removing the margin.
public struct DevigResult: Sendable, Equatable, Hashable, Codable {
    /// The method that was asked for.
    public let requestedMethod: DevigMethod
    /// The method actually applied (differs only after a negative-margin fallback).
    public let method: DevigMethod
    /// Fair probabilities, in the order of the input odds; each in (0, 1), summing to 1 within 1e-12.
    public let probabilities: [Double]
    /// Fair decimal odds `1/p_i`.
    public let fairOdds: [Double]
    /// The solved parameter: power `k`, Shin `z`, odds-ratio `c`; `nil` for the other methods.
    public let parameter: Double?
    /// Root-finder iterations used (0 for closed-form methods and zero-margin markets).
    public let iterations: Int
    /// The input market's margin `Σ 1/O_i − 1`.
    public let margin: Double

    /// `true` when the negative-margin fallback replaced the requested method.
    public var usedFallback: Bool { method != requestedMethod }

    /// Creates a result; probabilities are stored as given (``Devig`` renormalises them first).
    public init(
        requestedMethod: DevigMethod, method: DevigMethod, probabilities: [Double],
        parameter: Double?, iterations: Int, margin: Double
    ) {
        self.requestedMethod = requestedMethod
        self.method = method
        self.probabilities = probabilities
        self.fairOdds = probabilities.map { 1.0 / $0 }
        self.parameter = parameter
        self.iterations = iterations
        self.margin = margin
    }

    /// Creates a result from a buffer de-vig's summary and probabilities (stored as given).
    public init(summary: DevigSummary, probabilities: [Double]) {
        self.init(
            requestedMethod: summary.requestedMethod, method: summary.method,
            probabilities: probabilities, parameter: summary.parameter,
            iterations: summary.iterations, margin: summary.margin)
    }

    /// Everything but the probabilities and fair odds, as the buffer entry point reports it.
    public var summary: DevigSummary {
        DevigSummary(
            requestedMethod: requestedMethod, method: method, parameter: parameter,
            iterations: iterations, margin: margin)
    }
}
