import Foundation

/// Agent C: steam — the sharp line moved and some bookmakers have not followed.
///
/// The sharp market is de-vigged (``Configuration/method``) at the start of the window
/// `at − window`, at each sharp capture time inside `(at − window, at]`, and at `at`. For each
/// outcome, the move is the current fair probability minus the lowest one in the window (the
/// earliest such instant on ties). When the move is **more than** ``Configuration/moveThreshold``
/// (absolute probability), every non-sharp, non-aggregate bookmaker whose current price still gives
/// `edge = p_now·O − 1 ≥ edgeThreshold` (its implied probability `1/O` is at most
/// `p_now/(1 + edgeThreshold)`) is signalled as lagging the move.
///
/// Confidence = `edge/(edge + confidenceHalfEdge) × min(1, move/(2·moveThreshold))`: a move just
/// over the threshold halves it.
public struct SteamAgent: DetectionAgent {
    /// Settings.
    public struct Configuration: Sendable, Codable, Hashable {
        /// Smallest rise of the sharp fair probability, exclusive.
        public var moveThreshold: Double
        /// Length of the window ending at the decision time, seconds.
        public var window: TimeInterval
        /// Smallest edge of a lagging price, inclusive.
        public var edgeThreshold: Double
        /// Margin model for the sharp prices.
        public var method: DevigMethod
        /// Sharp books with a booksum below 1 are skipped by default.
        public var negativeMargin: NegativeMarginPolicy
        /// Ignore other bookmakers' prices older than this (`nil`: no limit).
        public var maxPriceAge: TimeInterval?
        /// Edge at which the edge factor of the confidence is 0.5.
        public var confidenceHalfEdge: Double

        /// Creates a configuration.
        public init(
            moveThreshold: Double = 0.03, window: TimeInterval = 7200, edgeThreshold: Double = 0.02,
            method: DevigMethod = .power, negativeMargin: NegativeMarginPolicy = .reject,
            maxPriceAge: TimeInterval? = nil, confidenceHalfEdge: Double = 0.05
        ) {
            self.moveThreshold = moveThreshold
            self.window = window
            self.edgeThreshold = edgeThreshold
            self.method = method
            self.negativeMargin = negativeMargin
            self.maxPriceAge = maxPriceAge
            self.confidenceHalfEdge = confidenceHalfEdge
        }
    }

    public let id: AgentID
    /// The settings in use.
    public let configuration: Configuration

    /// Creates the agent.
    public init(configuration: Configuration = Configuration(), id: AgentID = .steam) {
        self.configuration = configuration
        self.id = id
    }

    /// A rise of one outcome's sharp fair probability inside the window.
    public struct Move: Sendable, Hashable {
        /// Outcome index.
        public var outcome: Int
        /// Lowest fair probability in the window.
        public var from: Double
        /// When it was lowest (the window start if it was lowest there).
        public var fromTime: Date
        /// Fair probability at the decision time.
        public var to: Double
        /// Capture time of the newest sharp price at the decision time.
        public var toTime: Date

        /// `to − from`.
        public var size: Double { to - from }
    }

    /// The sharp moves of every outcome over the window ending at `at` (whether or not above the
    /// threshold); empty without a sharp market at `at`.
    public func moves(in market: MarketSnapshot, at: Date) -> [Move] {
        let c = configuration
        guard let sharp = market.sharpBookmaker else { return [] }
        // Only the sharp's rows matter here; filter once instead of at every instant.
        var sharpOnly = market
        sharpOnly.quotes = market.quotes.filter { $0.bookmaker == sharp }
        sharpOnly.history = market.history.filter { $0.bookmaker == sharp }
        let fairAt = { (instant: Date) in
            SharpFair.at(instant, of: sharp, in: sharpOnly, method: c.method, negativeMargin: c.negativeMargin)
        }
        guard let now = fairAt(at) else { return [] }
        let start = at.addingTimeInterval(-max(0, c.window))
        let instants = [start] + sharpOnly.captureTimes(of: sharp, after: start, upTo: at)
        var low: [(p: Double, time: Date)?] = Array(repeating: nil, count: market.outcomes.count)
        for instant in instants {
            guard let fair = fairAt(instant) else { continue }
            for (i, p) in fair.probabilities.enumerated() where low[i] == nil || p < low[i]!.p {
                low[i] = (p, instant)
            }
        }
        return market.outcomes.indices.compactMap { i in
            guard let l = low[i] else { return nil }
            return Move(outcome: i, from: l.p, fromTime: l.time, to: now.probabilities[i], toTime: now.newest)
        }
    }

    public func signals(for market: MarketSnapshot, at: Date) -> [Signal] {
        let c = configuration
        guard let sharp = market.sharpBookmaker else { return [] }
        let steam = moves(in: market, at: at).filter { $0.size > c.moveThreshold }
        guard !steam.isEmpty else { return [] }
        let board = market.board(at: at, maxAge: c.maxPriceAge)
        var found: [Signal] = []
        for move in steam {
            let name = market.outcomes[move.outcome]
            let moveFactor = c.moveThreshold > 0 ? min(1, move.size / (2 * c.moveThreshold)) : 1
            for bookmaker in board.bookmakers where bookmaker != sharp && !market.isAggregate(bookmaker) {
                guard let price = board.price(of: bookmaker, outcome: move.outcome) else { continue }
                let signal = Signal.make(
                    agent: id, snapshot: market, outcome: move.outcome, bookmaker: bookmaker,
                    price: price, fairProbability: move.to, keep: { $0 >= c.edgeThreshold },
                    confidence: { DetectionText.saturating($0, half: c.confidenceHalfEdge) * moveFactor },
                    reason: { edge in
                        let over = DetectionText.duration(move.toTime.timeIntervalSince(move.fromTime))
                        let age = DetectionText.duration(at.timeIntervalSince(price.capturedAt))
                        return "\(sharp)'s fair probability of \(name) rose from \(DetectionText.percent(move.from)) "
                            + "to \(DetectionText.percent(move.to)) (\(DetectionText.points(move.size))) over \(over); "
                            + "\(bookmaker) still offers \(DetectionText.odds(price.decimalOdds)) "
                            + "(implied \(DetectionText.percent(1 / price.decimalOdds)), price \(age) old): "
                            + "edge \(DetectionText.percent(edge, signed: true)) ≥ "
                            + "\(DetectionText.percent(c.edgeThreshold))."
                    })
                if let signal, signal.edge >= c.edgeThreshold { found.append(signal) }
            }
        }
        return found.sorted(by: Signal.canonicalOrder)
    }
}
