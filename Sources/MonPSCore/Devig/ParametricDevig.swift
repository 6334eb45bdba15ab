import Foundation

/// The methods with one parameter solved so that the fair probabilities sum to 1.
///
/// Each is called only for a strictly positive margin (`S > 1`), with every `r_i` in (0, 1).
/// Each sum `g(θ) = Σ p_i(θ)` is continuous and strictly decreasing in its parameter, and each
/// bracket below is proven to satisfy `g(lo) − 1 > 0 > g(hi) − 1`, so Brent's method converges
/// to the unique root (see ``BracketedRootFinder`` for tolerance and iteration cap).
///
/// Each function takes the raw implied probabilities in `p`, overwrites them with the fair
/// probabilities and returns the parameter and the iterations used. No function allocates: the
/// per-outcome quantity the objective needs (`ln r_i`, `a_i`, `r_i`) is kept in `p` itself while
/// solving, and each `p_i` is then computed from its own slot.
enum ParametricDevig {
    typealias Solved = (parameter: Double, iterations: Int)

    /// Power: `p_i = r_i^k`.
    ///
    /// Bracket `[1, kHi]`: `g(1) = S > 1`; with `r_max < 1`, `Σ r_i^k ≤ n·r_max^k < 1` as soon as
    /// `k > ln n / (−ln r_max)`, so `kHi = ln n / (−ln r_max) + 1` has `g(kHi) < 1`.
    static func power(_ p: UnsafeMutableBufferPointer<Double>) -> Solved {
        var rMax = 0.0
        for r in p { rMax = max(rMax, r) }
        for i in p.indices { p[i] = log(p[i]) }  // r^k = exp(k·ln r): one exp per term and iteration.
        let logs = UnsafeBufferPointer(p)  // p now holds ln r_i.
        let hi = log(Double(p.count)) / -log(rMax) + 1.0
        let root = BracketedRootFinder.solve(
            lo: 1.0, hi: hi, fLo: powerExcess(logs, 1.0), fHi: powerExcess(logs, hi)
        ) { powerExcess(logs, $0) }
        for i in p.indices { p[i] = exp(root.x * p[i]) }
        return (root.x, root.iterations)
    }

    /// Shin: `p_i = (√(z² + 4(1−z)·a_i) − z) / (2(1−z))` with `a_i = r_i²/S`.
    ///
    /// Evaluated in the algebraically equal, cancellation-free form
    /// `p_i = 2a_i / (√(z² + 4(1−z)a_i) + z)`, which is also defined at `z = 1` (`p_i = a_i`).
    /// Bracket `[0, 1]`: `g(0) = Σ r_i/√S = √S > 1`; `g(1) = Σ r_i²/S ≤ r_max·S/S < 1`.
    static func shin(_ p: UnsafeMutableBufferPointer<Double>, booksum: Double) -> Solved {
        for i in p.indices { p[i] = p[i] * p[i] / booksum }
        let a = UnsafeBufferPointer(p)  // p now holds a_i.
        let root = BracketedRootFinder.solve(
            lo: 0.0, hi: 1.0, fLo: shinExcess(a, 0.0), fHi: shinExcess(a, 1.0)
        ) { shinExcess(a, $0) }
        for i in p.indices { p[i] = shinProbability(p[i], root.x) }
        return (root.x, root.iterations)
    }

    // The objectives `g(θ) − 1`, summed in input order from −1. They are plain functions called
    // from a closure literal (not a closure stored in a local), so the closure's context stays on
    // the stack: a stored closure capturing the buffer was heap-allocated on every call.

    @inline(__always)
    private static func powerExcess(_ logs: UnsafeBufferPointer<Double>, _ k: Double) -> Double {
        var total = -1.0
        for l in logs { total += exp(k * l) }
        return total
    }

    @inline(__always)
    private static func shinExcess(_ a: UnsafeBufferPointer<Double>, _ z: Double) -> Double {
        var total = -1.0
        for ai in a { total += shinProbability(ai, z) }
        return total
    }

    @inline(__always)
    private static func oddsRatioExcess(_ implied: UnsafeBufferPointer<Double>, _ c: Double) -> Double {
        var total = -1.0
        for r in implied { total += r / (c + r - c * r) }
        return total
    }

    @inline(__always)
    private static func shinProbability(_ a: Double, _ z: Double) -> Double {
        2.0 * a / ((z * z + 4.0 * (1.0 - z) * a).squareRoot() + z)
    }

    /// Odds ratio (Cheung): `p_i = r_i / (c + r_i − c·r_i)`, i.e. `r/(1−r) = c · p/(1−p)`.
    ///
    /// Bracket `[1, S/(1 − r_max)]`: `g(1) = S > 1`; and `p_i < r_i / (c(1 − r_i)) ≤ r_i / (c(1 − r_max))`,
    /// so `g(c) < S / (c(1 − r_max)) = 1` at `c = S/(1 − r_max)`.
    static func oddsRatio(_ p: UnsafeMutableBufferPointer<Double>, booksum: Double) -> Solved {
        var rMax = 0.0
        for r in p { rMax = max(rMax, r) }
        let implied = UnsafeBufferPointer(p)  // p holds r_i until the final loop.
        let hi = booksum / (1.0 - rMax)
        let root = BracketedRootFinder.solve(
            lo: 1.0, hi: hi, fLo: oddsRatioExcess(implied, 1.0), fHi: oddsRatioExcess(implied, hi)
        ) { oddsRatioExcess(implied, $0) }
        let c = root.x
        for i in p.indices {
            let r = p[i]
            p[i] = r / (c + r - c * r)
        }
        return (c, root.iterations)
    }
}
