import Foundation

/// The methods with one parameter solved so that the fair probabilities sum to 1.
///
/// Each is called only for a strictly positive margin (`S > 1`), with every `r_i` in (0, 1).
/// Each sum `g(θ) = Σ p_i(θ)` is continuous and strictly decreasing in its parameter, and each
/// bracket below is proven to satisfy `g(lo) − 1 > 0 > g(hi) − 1`, so Brent's method converges
/// to the unique root (see ``BracketedRootFinder`` for tolerance and iteration cap).
///
/// Each function takes the raw implied probabilities in `p`, overwrites them with the fair
/// probabilities and returns the parameter and the iterations used.
enum ParametricDevig {
    typealias Solved = (parameter: Double, iterations: Int)

    /// Power: `p_i = r_i^k`.
    ///
    /// Bracket `[1, kHi]`: `g(1) = S > 1`; with `r_max < 1`, `Σ r_i^k ≤ n·r_max^k < 1` as soon as
    /// `k > ln n / (−ln r_max)`, so `kHi = ln n / (−ln r_max) + 1` has `g(kHi) < 1`.
    static func power(_ p: inout [Double]) -> Solved {
        var rMax = 0.0
        for r in p { rMax = max(rMax, r) }
        let logs = p.map { log($0) }  // r^k = exp(k·ln r): one exp per term and iteration.
        let sum = { (k: Double) -> Double in
            var total = -1.0
            for l in logs { total += exp(k * l) }
            return total
        }
        let hi = log(Double(p.count)) / -log(rMax) + 1.0
        let root = BracketedRootFinder.solve(lo: 1.0, hi: hi, fLo: sum(1.0), fHi: sum(hi), sum)
        for i in p.indices { p[i] = exp(root.x * logs[i]) }
        return (root.x, root.iterations)
    }

    /// Shin: `p_i = (√(z² + 4(1−z)·a_i) − z) / (2(1−z))` with `a_i = r_i²/S`.
    ///
    /// Evaluated in the algebraically equal, cancellation-free form
    /// `p_i = 2a_i / (√(z² + 4(1−z)a_i) + z)`, which is also defined at `z = 1` (`p_i = a_i`).
    /// Bracket `[0, 1]`: `g(0) = Σ r_i/√S = √S > 1`; `g(1) = Σ r_i²/S ≤ r_max·S/S < 1`.
    static func shin(_ p: inout [Double], booksum: Double) -> Solved {
        for i in p.indices { p[i] = p[i] * p[i] / booksum }  // p now holds a_i.
        let a = p
        let sum = { (z: Double) -> Double in
            var total = -1.0
            for ai in a { total += shinProbability(ai, z) }
            return total
        }
        let root = BracketedRootFinder.solve(lo: 0.0, hi: 1.0, fLo: sum(0.0), fHi: sum(1.0), sum)
        for i in p.indices { p[i] = shinProbability(a[i], root.x) }
        return (root.x, root.iterations)
    }

    @inline(__always)
    private static func shinProbability(_ a: Double, _ z: Double) -> Double {
        2.0 * a / ((z * z + 4.0 * (1.0 - z) * a).squareRoot() + z)
    }

    /// Odds ratio (Cheung): `p_i = r_i / (c + r_i − c·r_i)`, i.e. `r/(1−r) = c · p/(1−p)`.
    ///
    /// Bracket `[1, S/(1 − r_max)]`: `g(1) = S > 1`; and `p_i < r_i / (c(1 − r_i)) ≤ r_i / (c(1 − r_max))`,
    /// so `g(c) < S / (c(1 − r_max)) = 1` at `c = S/(1 − r_max)`.
    static func oddsRatio(_ p: inout [Double], booksum: Double) -> Solved {
        var rMax = 0.0
        for r in p { rMax = max(rMax, r) }
        let implied = p
        let sum = { (c: Double) -> Double in
            var total = -1.0
            for r in implied { total += r / (c + r - c * r) }
            return total
        }
        let hi = booksum / (1.0 - rMax)
        let root = BracketedRootFinder.solve(lo: 1.0, hi: hi, fLo: sum(1.0), fHi: sum(hi), sum)
        let c = root.x
        for i in p.indices { p[i] = implied[i] / (c + implied[i] - c * implied[i]) }
        return (c, root.iterations)
    }
}
