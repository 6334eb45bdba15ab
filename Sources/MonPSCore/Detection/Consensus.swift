import Foundation

/// How signals of different agents are matched to the same opportunity.
public enum ConsensusGrouping: String, Sendable, Codable, CaseIterable, Hashable {
    /// One opportunity per outcome; each agent votes with its best-priced signal and the
    /// opportunity takes the best price among the votes.
    case bestPrice = "best_price"
    /// One opportunity per outcome and bookmaker.
    case bookmaker
}

/// How strong an opportunity is.
public enum Verdict: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    /// Weak agreement: score ≥ the caution threshold.
    case caution
    /// Strong agreement: score ≥ the analyze threshold.
    case analyze

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs == .caution && rhs == .analyze }
}

/// Settings of the consensus.
public struct ConsensusConfiguration: Sendable, Codable, Hashable {
    /// Score (0–100) from which the verdict is ``Verdict/analyze``.
    public var analyzeThreshold: Double
    /// Score from which the verdict is ``Verdict/caution``; below it there is no opportunity.
    public var cautionThreshold: Double
    /// Share λ of the majority vote in the score (the rest is the weighted vote).
    public var majorityShare: Double
    /// How signals are matched.
    public var grouping: ConsensusGrouping

    /// Creates a configuration.
    public init(
        analyzeThreshold: Double = 60, cautionThreshold: Double = 30, majorityShare: Double = 0.5,
        grouping: ConsensusGrouping = .bestPrice
    ) {
        self.analyzeThreshold = analyzeThreshold
        self.cautionThreshold = cautionThreshold
        self.majorityShare = majorityShare
        self.grouping = grouping
    }
}

/// One enabled agent's part in an opportunity.
public struct AgentVote: Sendable, Codable, Hashable {
    /// The agent.
    public var agent: AgentID
    /// Its weight in the weighted vote.
    public var weight: Double
    /// The signal it voted with; `nil` when it did not signal this opportunity.
    public var signal: Signal?

    /// `true` when the agent signalled.
    public var voted: Bool { signal != nil }
}

/// A combined opportunity, with everything that produced it.
public struct Opportunity: Sendable, Codable, Hashable {
    /// Event id.
    public var eventID: Int64
    /// The market.
    public var market: MarketKey
    /// Outcome index and name.
    public var outcomeIndex: Int
    /// Outcome name.
    public var outcome: String
    /// Bookmaker of the best price among the votes.
    public var bookmaker: String
    /// That price.
    public var decimalOdds: Double
    /// Its capture time.
    public var capturedAt: Date
    /// Mean of the voters' fair probabilities, weighted like the vote (equal weights if all are 0).
    public var fairProbability: Double
    /// `fairProbability × decimalOdds − 1`.
    public var edge: Double
    /// Voters / enabled agents.
    public var majorityShare: Double
    /// Voters' weight / enabled agents' weight (the majority share when every weight is 0).
    public var weightedShare: Double
    /// `100 × (λ·majorityShare + (1 − λ)·weightedShare)`.
    public var score: Double
    /// The verdict.
    public var verdict: Verdict
    /// One vote per enabled agent, in the order they were enabled (voters and abstainers).
    public var votes: [AgentVote]

    /// Mean confidence of the voters' signals.
    public var averageConfidence: Double {
        let voters = votes.compactMap(\.signal)
        return voters.isEmpty ? 0 : voters.map(\.confidence).reduce(0, +) / Double(voters.count)
    }
}

/// Combines agents' signals into scored opportunities.
public enum Consensus {
    /// Opportunities with a verdict, strongest first (score, then edge, then event, market, outcome
    /// and bookmaker, so the order is total).
    ///
    /// - Parameters:
    ///   - signals: signals of any agents (those of agents not enabled are ignored). An agent with
    ///     several signals in a group votes once, with its best price (ties: higher edge, then
    ///     bookmaker key).
    ///   - enabledAgents: the voters; duplicates are ignored.
    ///   - weights: per-agent weights (e.g. ``TrackRecordTable/weights(for:sport:market:weighting:)``);
    ///     missing agents weigh 1, negative weights count as 0.
    public static func evaluate(
        _ signals: [Signal], enabledAgents: [AgentID], weights: [AgentID: Double] = [:],
        configuration: ConsensusConfiguration = ConsensusConfiguration()
    ) -> [Opportunity] {
        var enabled: [AgentID] = []
        for agent in enabledAgents where !enabled.contains(agent) { enabled.append(agent) }
        guard !enabled.isEmpty else { return [] }
        let weight = { (agent: AgentID) -> Double in
            let w = weights[agent] ?? 1
            return w.isFinite && w > 0 ? w : 0
        }
        let totalWeight = enabled.map(weight).reduce(0, +)

        struct GroupKey: Hashable {
            var eventID: Int64, market: MarketKey, outcome: Int, bookmaker: String?
        }
        var groups: [GroupKey: [AgentID: Signal]] = [:]
        for signal in signals where enabled.contains(signal.agent) {
            let key = GroupKey(
                eventID: signal.eventID, market: signal.market, outcome: signal.outcomeIndex,
                bookmaker: configuration.grouping == .bookmaker ? signal.bookmaker : nil)
            if let current = groups[key]?[signal.agent], !isBetter(signal, than: current) { continue }
            groups[key, default: [:]][signal.agent] = signal
        }

        var opportunities: [Opportunity] = []
        for (_, byAgent) in groups {
            let votes = enabled.map { AgentVote(agent: $0, weight: weight($0), signal: byAgent[$0]) }
            let voters = votes.filter(\.voted)
            guard let best = voters.compactMap(\.signal).min(by: { isBetter($0, than: $1) }) else { continue }
            let majority = Double(voters.count) / Double(enabled.count)
            let votedWeight = voters.map(\.weight).reduce(0, +)
            let weighted = totalWeight > 0 ? votedWeight / totalWeight : majority
            let lambda = min(1, max(0, configuration.majorityShare))
            let score = 100 * (lambda * majority + (1 - lambda) * weighted)
            let verdict: Verdict
            if score >= configuration.analyzeThreshold {
                verdict = .analyze
            } else if score >= configuration.cautionThreshold {
                verdict = .caution
            } else {
                continue
            }
            let useWeights = votedWeight > 0
            var pSum = 0.0, wSum = 0.0
            for vote in voters {
                let w = useWeights ? vote.weight : 1
                pSum += w * vote.signal!.fairProbability
                wSum += w
            }
            let p = pSum / wSum
            opportunities.append(
                Opportunity(
                    eventID: best.eventID, market: best.market, outcomeIndex: best.outcomeIndex,
                    outcome: best.outcome, bookmaker: best.bookmaker, decimalOdds: best.decimalOdds,
                    capturedAt: best.capturedAt, fairProbability: p, edge: p * best.decimalOdds - 1,
                    majorityShare: majority, weightedShare: weighted, score: score, verdict: verdict,
                    votes: votes))
        }
        return opportunities.sorted(by: strongerFirst)
    }

    /// Better price, then higher edge, then the smaller bookmaker key.
    static func isBetter(_ a: Signal, than b: Signal) -> Bool {
        if a.decimalOdds != b.decimalOdds { return a.decimalOdds > b.decimalOdds }
        if a.edge != b.edge { return a.edge > b.edge }
        if a.bookmaker != b.bookmaker { return a.bookmaker < b.bookmaker }
        return a.agent < b.agent
    }

    static func strongerFirst(_ a: Opportunity, _ b: Opportunity) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.edge != b.edge { return a.edge > b.edge }
        if a.eventID != b.eventID { return a.eventID < b.eventID }
        if a.market.type != b.market.type { return a.market.type.rawValue < b.market.type.rawValue }
        if a.market.line != b.market.line { return (a.market.line ?? -.infinity) < (b.market.line ?? -.infinity) }
        if a.outcomeIndex != b.outcomeIndex { return a.outcomeIndex < b.outcomeIndex }
        return a.bookmaker < b.bookmaker
    }
}
