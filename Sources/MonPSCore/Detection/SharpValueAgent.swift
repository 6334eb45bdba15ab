import Foundation

/// Agent B: a soft bookmaker's price above the sharp bookmaker's fair price.
///
/// The sharp market (all outcomes, latest prices at or before the decision time) is de-vigged
/// with ``Configuration/method`` through ``Devig``; every other non-aggregate bookmaker's price with
/// `edge = p·O − 1 ≥ edgeThreshold` is signalled.
///
/// Confidence = `edge/(edge + confidenceHalfEdge) × 2^(−age/freshnessHalfLife)`, where `age` is how
/// old the sharp market's oldest price is at the decision time: a value computed against a stale
/// sharp line is the classic false positive.
public struct SharpValueAgent: DetectionAgent {
    /// Settings.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Margin model for the sharp prices.
        public var method: DevigMethod
        /// What to do with a sharp book whose booksum is below 1 (default: no signal).
        public var negativeMargin: NegativeMarginPolicy
        /// Smallest edge signalled (inclusive).
        public var edgeThreshold: Double
        /// No signal when the sharp market is older than this (`nil`: no limit).
        public var maxSharpAge: TimeInterval?
        /// Age of the sharp market at which the freshness factor is 0.5.
        public var freshnessHalfLife: TimeInterval
        /// Ignore other bookmakers' prices older than this (`nil`: no limit).
        public var maxPriceAge: TimeInterval?
        /// Edge at which the edge factor of the confidence is 0.5.
        public var confidenceHalfEdge: Double

        /// Creates a configuration.
        public init(
            method: DevigMethod = .power, negativeMargin: NegativeMarginPolicy = .reject,
            edgeThreshold: Double = 0.02, maxSharpAge: TimeInterval? = nil,
            freshnessHalfLife: TimeInterval = 900, maxPriceAge: TimeInterval? = nil,
            confidenceHalfEdge: Double = 0.05
        ) {
            self.method = method
            self.negativeMargin = negativeMargin
            self.edgeThreshold = edgeThreshold
            self.maxSharpAge = maxSharpAge
            self.freshnessHalfLife = freshnessHalfLife
            self.maxPriceAge = maxPriceAge
            self.confidenceHalfEdge = confidenceHalfEdge
        }
    }

    public let id: AgentID
    /// The settings in use.
    public let configuration: Configuration

    /// Creates the agent.
    public init(configuration: Configuration = Configuration(), id: AgentID = .sharpValue) {
        self.configuration = configuration
        self.id = id
    }

    public func signals(for market: MarketSnapshot, at: Date) -> [Signal] {
        let c = configuration
        guard let sharp = market.sharpBookmaker else { return [] }
        guard let fair = SharpFair.at(at, of: sharp, in: market, method: c.method, negativeMargin: c.negativeMargin)
        else { return [] }
        let age = at.timeIntervalSince(fair.oldest)
        if let maxSharpAge = c.maxSharpAge, age > maxSharpAge { return [] }
        let freshness = c.freshnessHalfLife > 0 ? exp2(-age / c.freshnessHalfLife) : 1
        let board = market.board(at: at, maxAge: c.maxPriceAge)

        var found: [Signal] = []
        for bookmaker in board.bookmakers where bookmaker != sharp && !market.isAggregate(bookmaker) {
            for outcome in market.outcomes.indices {
                guard let price = board.price(of: bookmaker, outcome: outcome) else { continue }
                let p = fair.probabilities[outcome]
                let name = market.outcomes[outcome]
                let signal = Signal.make(
                    agent: id, snapshot: market, outcome: outcome, bookmaker: bookmaker, price: price,
                    fairProbability: p, keep: { $0 >= c.edgeThreshold },
                    confidence: { DetectionText.saturating($0, half: c.confidenceHalfEdge) * freshness },
                    reason: { edge in
                        let sharpOdds = fair.odds.map(DetectionText.odds).joined(separator: "/")
                        return "\(bookmaker) offers \(DetectionText.odds(price.decimalOdds)) on \(name) against "
                            + "\(sharp)'s fair \(DetectionText.odds(1 / p)) (p = \(DetectionText.percent(p)), "
                            + "\(c.method.rawValue) de-vig of \(sharpOdds), \(DetectionText.duration(age)) old): "
                            + "edge \(DetectionText.percent(edge, signed: true)) ≥ "
                            + "\(DetectionText.percent(c.edgeThreshold))."
                    })
                if let signal, signal.edge >= c.edgeThreshold { found.append(signal) }
            }
        }
        return found.sorted(by: Signal.canonicalOrder)
    }
}

/// The sharp bookmaker's de-vigged market at one instant.
struct SharpFair {
    /// Sharp prices, outcome order.
    var odds: [Double]
    /// Fair probabilities, outcome order.
    var probabilities: [Double]
    /// Capture time of the oldest of the prices.
    var oldest: Date
    /// Capture time of the newest of the prices.
    var newest: Date

    /// `nil` unless the sharp prices every outcome at `time` and the de-vig succeeds.
    static func at(
        _ time: Date, of sharp: String, in market: MarketSnapshot, method: DevigMethod,
        negativeMargin: NegativeMarginPolicy
    ) -> SharpFair? {
        let board = market.board(at: time, only: [sharp])
        guard let prices = board.fullMarket(of: sharp) else { return nil }
        let odds = prices.map(\.decimalOdds)
        guard let result = try? Devig.devig(odds, method: method, negativeMargin: negativeMargin) else {
            return nil
        }
        let times = prices.map(\.capturedAt)
        return SharpFair(
            odds: odds, probabilities: result.probabilities, oldest: times.min()!, newest: times.max()!)
    }
}
