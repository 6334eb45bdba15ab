/// Power sums of a sample, as a database aggregate returns them (`count`, `sum(x)`, `sum(x*x)`, …), so that a
/// confidence interval is computed from a handful of numbers instead of every bet.
public struct RatioSums: Sendable, Hashable, Codable {
    /// Number of observations (bets).
    public var count: Int
    /// Σx: the denominators (stakes).
    public var sumX: Double
    /// Σy: the numerators (profits).
    public var sumY: Double
    /// Σx².
    public var sumXX: Double
    /// Σy².
    public var sumYY: Double
    /// Σxy.
    public var sumXY: Double

    public init(count: Int, sumX: Double, sumY: Double, sumXX: Double, sumYY: Double, sumXY: Double) {
        self.count = count
        self.sumX = sumX
        self.sumY = sumY
        self.sumXX = sumXX
        self.sumYY = sumYY
        self.sumXY = sumXY
    }
}

/// A two-sided interval around an estimate.
public struct ConfidenceInterval: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

public enum SampleStatistics {
    /// z of a two-sided 95% normal interval.
    public static let z95 = 1.959963984540054

    /// 95% interval of the yield `R = Σprofit / Σstake`.
    ///
    /// The yield is a ratio estimator (stake-weighted), not a mean of per-bet returns, so its standard error comes
    /// from the delta method: `SE(R) = √(Σ(yᵢ − R·xᵢ)² / (n(n−1))) / x̄`, where the residual sum expands to
    /// `Σy² − 2R·Σxy + R²·Σx²` — computable from aggregates alone. `nil` below two bets or with nothing staked.
    public static func yieldInterval(_ sums: RatioSums, z: Double = z95) -> ConfidenceInterval? {
        let n = Double(sums.count)
        guard sums.count >= 2, sums.sumX > 0 else { return nil }
        let ratio = sums.sumY / sums.sumX
        // Rounding can leave a tiny negative residual when every bet has the same return: clamp it.
        let residual = max(0, sums.sumYY - 2 * ratio * sums.sumXY + ratio * ratio * sums.sumXX)
        let meanX = sums.sumX / n
        let standardError = (residual / (n * (n - 1))).squareRoot() / meanX
        return ConfidenceInterval(lower: ratio - z * standardError, upper: ratio + z * standardError)
    }

    /// 95% normal interval of a mean from `n`, `Σx` and `Σx²` (sample standard deviation). `nil` below two values.
    public static func meanInterval(count: Int, sum: Double, sumOfSquares: Double, z: Double = z95) -> ConfidenceInterval? {
        guard count >= 2 else { return nil }
        let n = Double(count)
        let mean = sum / n
        let variance = max(0, (sumOfSquares - n * mean * mean) / (n - 1))
        let half = z * (variance / n).squareRoot()
        return ConfidenceInterval(lower: mean - half, upper: mean + half)
    }
}
