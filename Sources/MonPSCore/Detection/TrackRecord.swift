import Foundation

/// An agent's measured record (settled bets of its signals, or a backtest of it).
public struct AgentRecord: Sendable, Codable, Hashable {
    /// Settled bets (void excluded).
    public var bets: Int
    /// Profit per unit staked (the report's yield, not the bankroll ROI, so that agents staking
    /// differently compare).
    public var roi: Double
    /// Mean closing line value, when measured.
    public var averageCLV: Double?
    /// Share of bets won; shown, not weighted (it depends on the odds, not on skill).
    public var hitRate: Double?

    /// Creates a record.
    public init(bets: Int, roi: Double, averageCLV: Double? = nil, hitRate: Double? = nil) {
        self.bets = bets
        self.roi = roi
        self.averageCLV = averageCLV
        self.hitRate = hitRate
    }

    /// The record of a performance report (e.g. ``BacktestReport/performance``).
    public init(_ report: PerformanceReport) {
        self.init(
            bets: report.count, roi: report.yield ?? 0, averageCLV: report.averageCLV,
            hitRate: report.hitRate)
    }
}

/// Which slice of history a record covers: an agent overall, or in one sport and/or market.
public struct TrackRecordKey: Sendable, Codable, Hashable {
    /// The agent.
    public var agent: AgentID
    /// Sport key, or `nil` for all sports.
    public var sport: String?
    /// Market family, or `nil` for all markets.
    public var market: MarketType?

    /// Creates a key.
    public init(agent: AgentID, sport: String? = nil, market: MarketType? = nil) {
        self.agent = agent
        self.sport = sport
        self.market = market
    }
}

/// Records by agent, optionally split by sport and market.
public struct TrackRecordTable: Sendable, Codable, Hashable {
    /// The records.
    public var records: [TrackRecordKey: AgentRecord]

    /// Creates a table.
    public init(_ records: [TrackRecordKey: AgentRecord] = [:]) {
        self.records = records
    }

    /// The most specific record available: (sport, market), then sport, then market, then overall.
    public func record(for agent: AgentID, sport: String?, market: MarketType?) -> AgentRecord? {
        let candidates: [TrackRecordKey] = [
            TrackRecordKey(agent: agent, sport: sport, market: market),
            TrackRecordKey(agent: agent, sport: sport, market: nil),
            TrackRecordKey(agent: agent, sport: nil, market: market),
            TrackRecordKey(agent: agent, sport: nil, market: nil),
        ]
        for key in candidates {
            if let record = records[key] { return record }
        }
        return nil
    }

    /// The weight of each agent for one sport and market (for ``Consensus``).
    public func weights(
        for agents: [AgentID], sport: String?, market: MarketType?,
        weighting: TrackRecordWeighting = TrackRecordWeighting()
    ) -> [AgentID: Double] {
        var weights: [AgentID: Double] = [:]
        for agent in agents {
            weights[agent] = weighting.weight(for: record(for: agent, sport: sport, market: market))
        }
        return weights
    }
}

/// Turns a record into a vote weight around 1 (the weight of an agent with no history).
///
/// A small sample says little, so ROI and CLV are shrunk toward 0 (no skill) by sample size, as a
/// normal prior worth `k` bets would: `shrunk = n/(n + k) · x`. CLV converges much faster than
/// profit, hence its smaller prior. Then
///
///     score  = roiShare · n/(n + roiPriorBets) · ROI + (1 − roiShare) · n/(n + clvPriorBets) · CLV
///     weight = clamp(1 + gain · score, minimumWeight, maximumWeight)
///
/// (without a CLV, `score = n/(n + roiPriorBets) · ROI`). Example with the defaults: 100 bets,
/// ROI +6%, CLV +3% → 0.5·(100/600)·0.06 + 0.5·(100/200)·0.03 = 0.0125 → weight 1.125.
public struct TrackRecordWeighting: Sendable, Codable, Hashable {
    /// Prior strength of ROI, in bets.
    public var roiPriorBets: Double
    /// Prior strength of CLV, in bets.
    public var clvPriorBets: Double
    /// Share of ROI in the score (the rest is CLV).
    public var roiShare: Double
    /// Weight gained per unit of score.
    public var gain: Double
    /// Lowest weight (0 silences a proven loser).
    public var minimumWeight: Double
    /// Highest weight.
    public var maximumWeight: Double

    /// Creates a weighting.
    public init(
        roiPriorBets: Double = 500, clvPriorBets: Double = 100, roiShare: Double = 0.5,
        gain: Double = 10, minimumWeight: Double = 0, maximumWeight: Double = 2
    ) {
        self.roiPriorBets = roiPriorBets
        self.clvPriorBets = clvPriorBets
        self.roiShare = roiShare
        self.gain = gain
        self.minimumWeight = minimumWeight
        self.maximumWeight = maximumWeight
    }

    /// The weight of `record`; 1 without a record or bets.
    public func weight(for record: AgentRecord?) -> Double {
        guard let record, record.bets > 0 else { return min(max(1, minimumWeight), maximumWeight) }
        let n = Double(record.bets)
        let roi = record.roi.isFinite ? n / (n + max(0, roiPriorBets)) * record.roi : 0
        let score: Double
        if let clv = record.averageCLV, clv.isFinite {
            score = roiShare * roi + (1 - roiShare) * n / (n + max(0, clvPriorBets)) * clv
        } else {
            score = roi
        }
        return min(max(1 + gain * score, minimumWeight), maximumWeight)
    }
}

/// Agent D: the other agents' signals, re-scored by how those agents have actually done.
///
/// Each inner signal keeps its ``Signal/agent`` (the rule that fired) and gets
/// `confidence = clamp(confidence × weight, 0, 1)`, ``Signal/trackRecordWeight`` set and a sentence
/// on the record appended to its reason. Weights come from ``TrackRecordWeighting`` on the most
/// specific record of ``TrackRecordTable`` for the snapshot's sport and market.
public struct TrackRecordAgent: DetectionAgent {
    public let id: AgentID
    /// The agents re-scored.
    public let agents: [any DetectionAgent]
    /// Their records.
    public let records: TrackRecordTable
    /// The weight formula.
    public let weighting: TrackRecordWeighting

    /// Creates the agent.
    public init(
        wrapping agents: [any DetectionAgent], records: TrackRecordTable,
        weighting: TrackRecordWeighting = TrackRecordWeighting(), id: AgentID = .trackRecord
    ) {
        self.agents = agents
        self.records = records
        self.weighting = weighting
        self.id = id
    }

    public func signals(for market: MarketSnapshot, at: Date) -> [Signal] {
        rescore(agents.flatMap { $0.signals(for: market, at: at) }, sport: market.sport)
    }

    /// Re-scores signals already computed (e.g. stored ones).
    public func rescore(_ signals: [Signal], sport: String?) -> [Signal] {
        signals.map { signal in
            let record = records.record(for: signal.agent, sport: sport, market: signal.market.type)
            let weight = weighting.weight(for: record)
            var copy = signal
            copy.confidence = min(1, max(0, signal.confidence * weight))
            copy.trackRecordWeight = weight
            copy.reason += " " + Self.describe(record, weight: weight)
            return copy
        }
    }

    static func describe(_ record: AgentRecord?, weight: Double) -> String {
        let w = String(format: "%.3f", weight)
        guard let record, record.bets > 0 else { return "Track record: none yet, weight \(w)." }
        var parts = ["\(record.bets) bets", "ROI \(DetectionText.percent(record.roi, signed: true))"]
        if let clv = record.averageCLV { parts.append("CLV \(DetectionText.percent(clv, signed: true))") }
        if let hit = record.hitRate { parts.append("hit rate \(DetectionText.percent(hit))") }
        return "Track record: \(parts.joined(separator: ", ")) → weight \(w)."
    }
}
