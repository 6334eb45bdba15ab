/// One point of a balance series with its running peak and how far below it the balance is.
public struct DrawdownPoint: Sendable, Hashable, Codable {
    public var balance: Int64
    /// Highest balance so far (this point included).
    public var peak: Int64
    /// `peak − balance` (≥ 0), minor units.
    public var drawdown: Int64
    /// `drawdown / peak`; `nil` while the peak is 0.
    public var drawdownShare: Double?

    public init(balance: Int64, peak: Int64, drawdown: Int64, drawdownShare: Double?) {
        self.balance = balance
        self.peak = peak
        self.drawdown = drawdown
        self.drawdownShare = drawdownShare
    }
}

public enum DrawdownSeries {
    /// Running peak and drawdown of `balances` in order. `startingPeak` is the peak reached before the first point
    /// (a range that starts after the all-time high still measures the drawdown from it).
    public static func compute(_ balances: [Int64], startingPeak: Int64 = 0) -> [DrawdownPoint] {
        var peak = startingPeak
        return balances.map { balance in
            peak = max(peak, balance)
            let drawdown = peak - balance  // both are ledger balances ≥ 0 and peak ≥ balance: no overflow
            return DrawdownPoint(
                balance: balance, peak: peak, drawdown: drawdown,
                drawdownShare: peak > 0 ? Double(drawdown) / Double(peak) : nil)
        }
    }

    /// Largest drawdown of the series (0 when empty).
    public static func maximum(_ points: [DrawdownPoint]) -> Int64 { points.map(\.drawdown).max() ?? 0 }
}
