import Testing

@testable import MonPSCore

@Suite("Bracketed root finder")
struct RootFinderTests {
    @Test func findsKnownRoots() {
        // x² − 2 on [0, 2]: √2.
        let f = { (x: Double) in x * x - 2 }
        let root = BracketedRootFinder.solve(lo: 0, hi: 2, fLo: f(0), fHi: f(2), f)
        expectClose(root.x, 2.0.squareRoot(), 1e-15)
        #expect(root.iterations > 0 && root.iterations < 20)
        // A decreasing function (the orientation the de-vig solvers use): 1 − x³ on [0, 3].
        let g = { (x: Double) in 1 - x * x * x }
        expectClose(BracketedRootFinder.solve(lo: 0, hi: 3, fLo: g(0), fHi: g(3), g).x, 1, 1e-15)
    }

    @Test func exactEndpointsAndBadBrackets() {
        let f = { (x: Double) in x - 1 }
        #expect(BracketedRootFinder.solve(lo: 1, hi: 3, fLo: 0, fHi: 2, f) == .init(x: 1, iterations: 0))
        #expect(BracketedRootFinder.solve(lo: -1, hi: 1, fLo: -2, fHi: 0, f) == .init(x: 1, iterations: 0))
        // No sign change: the end with the smaller |f|, without iterating.
        #expect(BracketedRootFinder.solve(lo: 2, hi: 5, fLo: 1, fHi: 4, f) == .init(x: 2, iterations: 0))
        #expect(BracketedRootFinder.solve(lo: 2, hi: 5, fLo: 9, fHi: 4, f) == .init(x: 5, iterations: 0))
    }

    @Test func stepFunctionStillTerminates() {
        // A discontinuous sign change at 0.3: Brent degrades to bisection and stops on the bracket.
        let f = { (x: Double) in x < 0.3 ? 1.0 : -1.0 }
        let root = BracketedRootFinder.solve(lo: 0, hi: 1, fLo: 1, fHi: -1, f)
        expectClose(root.x, 0.3, 1e-14)
        #expect(root.iterations <= BracketedRootFinder.maxIterations)
    }

    @Test func iterationCapIsHonoured() {
        // Bisecting [0, 1e300] down to 1e-15 would take ~1000 halvings: the cap stops it first.
        let f = { (x: Double) in x < 0.5 ? 1.0 : (x > 0.5 ? -1.0 : 0.0) }
        let root = BracketedRootFinder.solve(lo: 0, hi: 1e300, fLo: 1, fHi: -1, f)
        #expect(root.iterations == BracketedRootFinder.maxIterations)
        #expect(root.x.isFinite && root.x >= 0)
    }
}
