/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator, so every resampling
/// in MonPS is reproducible from its seed. Not cryptographic.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state (advanced by the golden-ratio increment on each draw).
    public private(set) var state: UInt64

    /// Creates a generator; the same seed always yields the same sequence.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
