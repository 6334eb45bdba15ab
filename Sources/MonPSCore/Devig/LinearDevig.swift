/// The closed-form, margin-subtracting methods. Both require a margin that is not negative
/// (checked by ``Devig``) and report, rather than clamp, a probability ≤ 0.
enum LinearDevig {
    /// Additive: `p_i = r_i − M/n`, in place.
    static func additive(_ p: inout [Double], margin: Double) throws(DevigError) {
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
    static func marginWeights(
        _ decimalOdds: [Double], margin: Double, into p: inout [Double]
    ) throws(DevigError) {
        let n = Double(decimalOdds.count)
        for (i, odds) in decimalOdds.enumerated() {
            p[i] = (n - margin * odds) / (n * odds)
            guard p[i] > 0 else { throw .nonPositiveProbability(index: i, method: .marginWeights) }
        }
    }
}
