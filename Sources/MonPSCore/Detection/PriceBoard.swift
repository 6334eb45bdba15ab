import Foundation

/// The prices of one market as they stood at one instant: per bookmaker and outcome, the latest
/// valid price captured at or before ``at``.
///
/// Ties (same bookmaker, outcome and capture time) are resolved without looking at input order, so
/// shuffling the history never changes a board: a current quote beats a history row, and between
/// rows of the same kind the lower (more conservative) price wins.
public struct PriceBoard: Sendable, Hashable {
    /// The instant of the board.
    public let at: Date
    /// Number of outcomes of the market.
    public let outcomeCount: Int
    /// Bookmaker → one slot per outcome.
    public let prices: [String: [PricePoint?]]

    /// Bookmakers with at least one price, in key order (the deterministic iteration order).
    public var bookmakers: [String] { prices.keys.sorted() }

    /// The price of `outcome` at `bookmaker`, if any.
    public func price(of bookmaker: String, outcome: Int) -> PricePoint? {
        guard let slots = prices[bookmaker], slots.indices.contains(outcome) else { return nil }
        return slots[outcome]
    }

    /// The bookmaker's prices of every outcome, or `nil` unless all are known (a de-vig needs them all).
    public func fullMarket(of bookmaker: String) -> [PricePoint]? {
        guard let slots = prices[bookmaker], slots.count == outcomeCount, outcomeCount >= 2 else { return nil }
        var market: [PricePoint] = []
        market.reserveCapacity(outcomeCount)
        for slot in slots {
            guard let point = slot else { return nil }
            market.append(point)
        }
        return market
    }
}

extension MarketSnapshot {
    /// The board at `time`.
    /// - Parameters:
    ///   - maxAge: when set, prices captured more than this many seconds before `time` are dropped
    ///     (a bookmaker that stopped updating no longer counts).
    ///   - only: restricts the board to these bookmakers.
    public func board(at time: Date, maxAge: TimeInterval? = nil, only: Set<String>? = nil) -> PriceBoard {
        let n = outcomes.count
        var slots: [String: [(point: PricePoint, quote: Bool)?]] = [:]

        func consider(_ bookmaker: String, _ outcome: Int, _ point: PricePoint, quote: Bool) {
            guard outcome >= 0, outcome < n, Odds.isValidDecimal(point.decimalOdds),
                point.capturedAt <= time
            else { return }
            if let maxAge, time.timeIntervalSince(point.capturedAt) > maxAge { return }
            if let only, !only.contains(bookmaker) { return }
            if let current = slots[bookmaker]?[outcome] {
                let replace: Bool
                if point.capturedAt != current.point.capturedAt {
                    replace = point.capturedAt > current.point.capturedAt
                } else if quote != current.quote {
                    replace = quote
                } else {
                    replace = point.decimalOdds < current.point.decimalOdds
                }
                guard replace else { return }
            }
            // Written in place: copying the row out and back would allocate a new array on every price.
            slots[bookmaker, default: Array(repeating: nil, count: n)][outcome] = (point, quote)
        }

        for observation in history {
            consider(observation.bookmaker, observation.outcome, observation.price, quote: false)
        }
        for quote in quotes {
            for (outcome, point) in quote.prices.enumerated() {
                if let point { consider(quote.bookmaker, outcome, point, quote: true) }
            }
        }
        return PriceBoard(
            at: time, outcomeCount: n, prices: slots.mapValues { row in row.map { $0?.point } })
    }

    /// Capture times of `bookmaker`'s prices in `(from, to]`, ascending and distinct.
    func captureTimes(of bookmaker: String, after from: Date, upTo to: Date) -> [Date] {
        var times = Set<Date>()
        for observation in history where observation.bookmaker == bookmaker {
            let t = observation.price.capturedAt
            if t > from, t <= to { times.insert(t) }
        }
        for quote in quotes where quote.bookmaker == bookmaker {
            for point in quote.prices {
                if let t = point?.capturedAt, t > from, t <= to { times.insert(t) }
            }
        }
        return times.sorted()
    }
}
