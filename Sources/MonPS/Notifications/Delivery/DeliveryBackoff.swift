/// When a failed delivery is tried again: exponential (base × 2^(attempt-1), at most `cap`) with "equal jitter"
/// (half of the delay fixed, half random), so deliveries that failed together do not all retry together.
struct DeliveryBackoff: Sendable {
    var base: Duration
    var cap: Duration = .seconds(6 * 3600)

    /// - Parameters:
    ///   - attempt: the attempt that just failed (1 for the first).
    ///   - unit: a random number in 0..<1 (tests fix it).
    func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base * (1 << exponent), cap)
        return full / 2 + full / 2 * min(max(unit, 0), 1)
    }
}
