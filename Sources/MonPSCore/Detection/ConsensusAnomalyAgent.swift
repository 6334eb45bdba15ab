import Foundation

/// Agent A: a price far above the bookmakers' consensus.
///
/// Kaunitz, Zhong & Kreiner (2017), "Beating the bookies with their own numbers, and how the online
/// sports betting market is rigged" (arXiv:1710.02824; code: github.com/Lisandro79/BeatTheBookie,
/// `src/strategies/beatTheBookie.m`). The consensus probability of an outcome is the inverse of the
/// **mean of the bookmakers' decimal odds** for it, margin not removed: `p = 1 / mean(O)`. The
/// outcome is bet when the best price exceeds `1 / (p − α)`, i.e. when the expected margin
/// `(p − α)·max(O) − 1` is positive, with α = 0.05 and more than 3 bookmakers pricing it
/// (`counts > nValidOdds = 3` in the authors' code, hence ``Configuration/minBookmakers`` = 4);
/// when several outcomes of a game qualify, only the one with the highest expected margin is bet.
///
/// The signal's fair probability is `p − α` (the strategy's own conservative estimate), so its edge
/// is exactly the paper's expected margin and is 0 at the threshold.
///
/// **Aggregates, as the paper had them.** The authors' consensus was the mean over ~30–40 bookmakers and their best
/// price the maximum over the same books. football-data.co.uk publishes exactly that as aggregate columns (`MaxH`/
/// `AvgH`…, earlier BetBrain's `BbMxH`/`BbAvH`…, with the number of books in `Bb1X2`). When the board holds such a
/// pair (``Configuration/aggregatePairs``, first complete pair wins) the agent uses its mean and maximum instead of
/// the few individual books, requires the stated book count (when given) to reach ``Configuration/minBookmakers``,
/// names the maximum's key as the bookmaker and says so in its reason. Otherwise aggregates are left out of the mean
/// and of the best price, and the sharp bookmaker counts like any other.
public struct ConsensusAnomalyAgent: DetectionAgent {
    /// Settings; defaults are the paper's.
    public struct Configuration: Sendable, Codable, Hashable {
        /// α: the margin the consensus must be beaten by.
        public var alpha: Double
        /// Fewest bookmakers that must price the outcome.
        public var minBookmakers: Int
        /// Keep only the outcome with the highest expected margin per market (the paper's rule).
        public var bestOutcomeOnly: Bool
        /// Ignore prices older than this at the decision time (`nil`: no limit).
        public var maxPriceAge: TimeInterval?
        /// Expected margin at which the confidence is 0.5 (see `x/(x + half)`).
        public var confidenceHalfMargin: Double
        /// Market maximum/mean key pairs to use as the consensus when present, in order of preference; empty: never.
        public var aggregatePairs: [AggregatePair]

        /// Creates a configuration.
        public init(
            alpha: Double = 0.05, minBookmakers: Int = 4, bestOutcomeOnly: Bool = true,
            maxPriceAge: TimeInterval? = nil, confidenceHalfMargin: Double = 0.05,
            aggregatePairs: [AggregatePair] = AggregatePair.footballData
        ) {
            self.alpha = alpha
            self.minBookmakers = minBookmakers
            self.bestOutcomeOnly = bestOutcomeOnly
            self.maxPriceAge = maxPriceAge
            self.confidenceHalfMargin = confidenceHalfMargin
            self.aggregatePairs = aggregatePairs
        }
    }

    /// The keys under which a source stores the maximum and the mean price over many bookmakers.
    public struct AggregatePair: Sendable, Codable, Hashable {
        public var maximum: String
        public var mean: String
        /// How the reason names it (`football-data Max/Avg`).
        public var label: String

        public init(maximum: String, mean: String, label: String) {
            self.maximum = maximum
            self.mean = mean
            self.label = label
        }

        /// football-data.co.uk's market columns (`Max`/`Avg`, from 2019-20) and BetBrain's (`BbMx`/`BbAv`, before).
        public static let footballData = [
            AggregatePair(maximum: "market_max", mean: "market_avg", label: "football-data's Max/Avg columns"),
            AggregatePair(maximum: "betbrain_max", mean: "betbrain_avg", label: "football-data's BetBrain BbMx/BbAv columns"),
        ]
    }

    public let id: AgentID
    /// The settings in use.
    public let configuration: Configuration

    /// Creates the agent (a distinct `id` lets several variants run side by side).
    public init(configuration: Configuration = Configuration(), id: AgentID = .consensusAnomaly) {
        self.configuration = configuration
        self.id = id
    }

    /// One outcome's consensus: the mean and best prices and where they come from.
    private struct Consensus {
        var mean: Double
        var best: (bookmaker: String, price: PricePoint)
        var source: String
    }

    public func signals(for market: MarketSnapshot, at: Date) -> [Signal] {
        let c = configuration
        let board = market.board(at: at, maxAge: c.maxPriceAge)
        let present = Set(board.bookmakers)
        let pair = c.aggregatePairs.first { present.contains($0.maximum) && present.contains($0.mean) }
        let books = board.bookmakers.filter { !market.isAggregate($0) }
        var found: [Signal] = []
        for outcome in market.outcomes.indices {
            let consensus: Consensus
            if let pair {
                // The paper's inputs: mean and maximum over the aggregate's books.
                guard let mean = board.price(of: pair.mean, outcome: outcome),
                      let best = board.price(of: pair.maximum, outcome: outcome),
                      (market.aggregateBookCount ?? Int.max) >= max(1, c.minBookmakers) else { continue }
                let count = market.aggregateBookCount.map { "\($0) bookmakers" } ?? "about 40 bookmakers"
                consensus = Consensus(
                    mean: mean.decimalOdds, best: (pair.maximum, best),
                    source: "Kaunitz et al. on \(pair.label) (maximum and mean over \(count))")
            } else {
                var sum = 0.0
                var count = 0
                var best: (bookmaker: String, price: PricePoint)? = nil
                for bookmaker in books {  // key order: the sum and the tie-break are order-free
                    guard let price = board.price(of: bookmaker, outcome: outcome) else { continue }
                    sum += price.decimalOdds
                    count += 1
                    if price.decimalOdds > best?.price.decimalOdds ?? 0 { best = (bookmaker, price) }
                }
                guard count >= max(1, c.minBookmakers), let best else { continue }
                consensus = Consensus(
                    mean: sum / Double(count), best: best, source: "Consensus of \(count) bookmakers")
            }
            let mean = consensus.mean
            let best = consensus.best
            let probability = 1.0 / mean
            let adjusted = probability - c.alpha
            guard adjusted > 0, adjusted < 1 else { continue }
            let threshold = 1.0 / adjusted
            guard best.price.decimalOdds > threshold else { continue }
            let name = market.outcomes[outcome]
            let signal = Signal.make(
                agent: id, snapshot: market, outcome: outcome, bookmaker: best.bookmaker,
                price: best.price, fairProbability: adjusted, keep: { $0 > 0 },
                confidence: { DetectionText.saturating($0, half: c.confidenceHalfMargin) },
                reason: { edge in
                    "\(consensus.source) on \(name): mean odds \(DetectionText.odds(mean)), "
                        + "p = \(DetectionText.percent(probability)); best price "
                        + "\(DetectionText.odds(best.price.decimalOdds)) at \(best.bookmaker) exceeds "
                        + "1/(p − \(c.alpha)) = \(DetectionText.odds(threshold)) "
                        + "(expected margin \(DetectionText.percent(edge, signed: true)))."
                })
            if let signal, signal.edge > 0 { found.append(signal) }
        }
        // Highest expected margin; on a tie the first outcome.
        let ranked = { (a: Signal, b: Signal) in
            a.edge != b.edge ? a.edge < b.edge : a.outcomeIndex > b.outcomeIndex
        }
        if c.bestOutcomeOnly, let top = found.max(by: ranked) { return [top] }
        return found.sorted(by: Signal.canonicalOrder)
    }
}
