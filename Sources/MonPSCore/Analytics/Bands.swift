/// Contiguous half-open bands `[bounds[i-1], bounds[i])` with an open band below the first bound and above the last,
/// numbered as PostgreSQL's `width_bucket(value, bounds)` numbers them (0 below the first bound … `bounds.count` at or
/// above the last). The repository passes `bounds` to SQL and the service names the bands from the same value, so the
/// database and the labels can never disagree.
public struct Bands: Sendable, Hashable {
    /// Strictly increasing.
    public let bounds: [Double]
    /// The lowest value a band can hold (the lower edge of band 0), e.g. 1 for decimal odds; `nil` = unbounded.
    public let floor: Double?

    public init(bounds: [Double], floor: Double? = nil) {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "band bounds must increase")
        self.bounds = bounds
        self.floor = floor
    }

    /// Number of bands (`bounds.count + 1`).
    public var count: Int { bounds.count + 1 }

    /// The band of `value`, as `width_bucket` computes it.
    public func index(of value: Double) -> Int {
        var low = 0, high = bounds.count
        while low < high {
            let mid = (low + high) / 2
            if bounds[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Lower edge of band `index` (`floor` for band 0).
    public func lower(_ index: Int) -> Double? { index == 0 ? floor : bounds[index - 1] }
    /// Upper edge (exclusive) of band `index`; `nil` for the last band.
    public func upper(_ index: Int) -> Double? { index < bounds.count ? bounds[index] : nil }

    /// `"2.00-3.00"`, `"10.00+"`, `"<-0.10"`: two decimals, or a percentage form when `percent`.
    public func label(_ index: Int, percent: Bool = false) -> String {
        func text(_ value: Double) -> String {
            percent ? Self.fixed(value * 100, digits: 0) + "%" : Self.fixed(value, digits: 2)
        }
        switch (lower(index), upper(index)) {
        case (let low?, let high?): return "\(text(low))-\(text(high))"
        case (let low?, nil): return "\(text(low))+"
        case (nil, let high?): return "<\(text(high))"
        case (nil, nil): return "all"
        }
    }

    /// Fixed-point text without Foundation's locale-dependent formatting.
    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let digitsText = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - digitsText.count))\(digitsText)"
    }

    /// The odds bands of the breakdown: favourites to long shots.
    public static let odds = Bands(bounds: [1.5, 2, 2.5, 3, 5, 10], floor: 1)
    /// The CLV histogram: 2-point bins from −20% to +20%, open at both ends.
    public static let clvHistogram = Bands(bounds: stride(from: -10, through: 10, by: 1).map { Double($0) / 50 })
    /// Coarser CLV buckets for CLV against realised yield (enough bets in each to mean something).
    public static let clvYield = Bands(bounds: [-0.05, 0, 0.05, 0.10])
}
