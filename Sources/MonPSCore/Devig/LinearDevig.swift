/// The closed-form, margin-subtracting methods. Both require a margin that is not negative
/// (checked by ``Devig``) and report, rather than clamp, a probability ≤ 0.
///
/// Both work on caller-provided buffers of equal count (``Devig`` guarantees it) and allocate nothing.
enum LinearDevig {
    /// Additive: `p_i = r_i − M/n`, in place (`p` holds the raw implied probabilities `r_i`).
    @inline(__always)
    static func additive(_ p: UnsafeMutableBufferPointer<Double>, margin: Double) throws(DevigError) {
        let share = margin / Double(p.count)
        for i in p.indices {
            p[i] -= share
            guard p[i] > 0 else { throw .nonPositiveProbability(index: i, method: .additive) }
        }
    }

    /// Buchdahl's margin weights proportional to odds: `p_i = (n − M·O_i)/(n·O_i)`.
    ///
    /// Computed by its own formula on purpose (the tests check it equals `additive`): the margin
    /// share removed from outcome i is `M·O_i/n` of its fair odds, i.e. `M/n` in probability.
    /// Reads `decimalOdds` and overwrites `p` (the two must not overlap).
    @inline(__always)
    static func marginWeights(
        _ decimalOdds: UnsafeBufferPointer<Double>, margin: Double, into p: UnsafeMutableBufferPointer<Double>
    ) throws(DevigError) {
        let n = Double(decimalOdds.count)
        for i in decimalOdds.indices {
            let odds = decimalOdds[i]
            p[i] = (n - margin * odds) / (n * odds)
            guard p[i] > 0 else { throw .nonPositiveProbability(index: i, method: .marginWeights) }
        }
    }
}
