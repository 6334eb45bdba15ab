/// Brent's method (Brent 1973, "zeroin") on a bracket known to contain a sign change.
///
/// Internal to the de-vig solvers: every caller proves its bracket `[lo, hi]` with
/// `f(lo) > 0 > f(hi)` (see the per-method notes in `ParametricDevig.swift`).
enum BracketedRootFinder {
    /// Absolute tolerance on the parameter; the stop test is `|half-bracket| ≤ 2ε|x| + tolerance/2`.
    static let tolerance = 1e-15
    /// Hard iteration cap: the loop always terminates, returning the best point so far.
    static let maxIterations = 200

    struct Root: Equatable {
        var x: Double
        var iterations: Int
    }

    /// Finds `x` in `[lo, hi]` with `f(x) ≈ 0`, given `f(lo)` and `f(hi)` of opposite signs.
    /// When the signs do not differ (impossible for a proven bracket), the end with the smaller
    /// `|f|` is returned so the function still terminates without trapping.
    @inline(__always)
    static func solve(
        lo: Double, hi: Double, fLo: Double, fHi: Double, _ f: (Double) -> Double
    ) -> Root {
        if fLo == 0 { return Root(x: lo, iterations: 0) }
        if fHi == 0 { return Root(x: hi, iterations: 0) }
        guard (fLo > 0) != (fHi > 0) else {
            return Root(x: abs(fLo) <= abs(fHi) ? lo : hi, iterations: 0)
        }
        var a = lo, b = hi, c = hi
        var fa = fLo, fb = fHi, fc = fHi
        var d = b - a, e = d
        for iteration in 1...maxIterations {
            if (fb > 0) == (fc > 0) {
                // Keep the root between b and c.
                c = a; fc = fa
                d = b - a; e = d
            }
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol1 = 2.0 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let xm = 0.5 * (c - b)
            if abs(xm) <= tol1 || fb == 0 { return Root(x: b, iterations: iteration) }
            if abs(e) >= tol1 && abs(fa) > abs(fb) {
                // Try inverse quadratic interpolation (or the secant step when a == c).
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2.0 * xm * s
                    q = 1.0 - s
                } else {
                    let qa = fa / fc, r = fb / fc
                    p = s * (2.0 * xm * qa * (qa - r) - (b - a) * (r - 1.0))
                    q = (qa - 1.0) * (r - 1.0) * (s - 1.0)
                }
                if p > 0 { q = -q }
                p = abs(p)
                let min1 = 3.0 * xm * q - abs(tol1 * q)
                let min2 = abs(e * q)
                if 2.0 * p < min(min1, min2) {
                    e = d; d = p / q
                } else {
                    d = xm; e = d  // interpolation rejected: bisect
                }
            } else {
                d = xm; e = d
            }
            a = b; fa = fb
            b += abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
            fb = f(b)
        }
        return Root(x: b, iterations: maxIterations)
    }
}
