import Foundation

/// Identifies a detection agent (also the key of its track record and of its vote).
public struct AgentID: RawRepresentable, Sendable, Codable, Hashable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The stable key, e.g. `consensus_anomaly`.
    public let rawValue: String

    /// Creates an id.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates an id from a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Agent A, ``ConsensusAnomalyAgent``.
    public static let consensusAnomaly: AgentID = "consensus_anomaly"
    /// Agent B, ``SharpValueAgent``.
    public static let sharpValue: AgentID = "sharp_value"
    /// Agent C, ``SteamAgent``.
    public static let steam: AgentID = "steam"
    /// Agent D, ``TrackRecordAgent``.
    public static let trackRecord: AgentID = "track_record"

    public static func < (lhs: AgentID, rhs: AgentID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// One agent's claim that a price is worth a look.
public struct Signal: Sendable, Codable, Hashable {
    /// The agent whose rule fired (kept when ``TrackRecordAgent`` re-scores the signal).
    public var agent: AgentID
    /// Event id.
    public var eventID: Int64
    /// The market.
    public var market: MarketKey
    /// Index of the outcome in the snapshot's outcomes.
    public var outcomeIndex: Int
    /// Outcome name.
    public var outcome: String
    /// Bookmaker offering the price.
    public var bookmaker: String
    /// The price (decimal odds).
    public var decimalOdds: Double
    /// When the price was captured.
    public var capturedAt: Date
    /// The agent's estimate of the outcome's probability.
    public var fairProbability: Double
    /// `fairProbability × decimalOdds − 1` (``ValueAnalysis/expectedValue(decimalOdds:fairProbability:)``).
    public var edge: Double
    /// 0…1; how much the agent trusts this signal.
    public var confidence: Double
    /// A sentence naming the numbers that produced the signal.
    public var reason: String
    /// The track-record weight applied by ``TrackRecordAgent``; `nil` for a raw signal.
    public var trackRecordWeight: Double?

    /// Creates a signal.
    public init(
        agent: AgentID, eventID: Int64, market: MarketKey, outcomeIndex: Int, outcome: String,
        bookmaker: String, decimalOdds: Double, capturedAt: Date, fairProbability: Double,
        edge: Double, confidence: Double, reason: String, trackRecordWeight: Double? = nil
    ) {
        self.agent = agent
        self.eventID = eventID
        self.market = market
        self.outcomeIndex = outcomeIndex
        self.outcome = outcome
        self.bookmaker = bookmaker
        self.decimalOdds = decimalOdds
        self.capturedAt = capturedAt
        self.fairProbability = fairProbability
        self.edge = edge
        self.confidence = confidence
        self.reason = reason
        self.trackRecordWeight = trackRecordWeight
    }
}

/// A value-bet detector.
///
/// Contract for every implementation:
/// - **No look-ahead**: only prices captured at or before `at` may be used (read the market through
///   ``MarketSnapshot/board(at:maxAge:only:)``); adding later rows never changes the answer.
/// - **Deterministic**: the same snapshot and instant give the same signals, in the same order
///   (outcome index, then bookmaker key); no clock, no randomness, input order irrelevant.
/// - **Pure**: no I/O.
public protocol DetectionAgent: Sendable {
    /// The agent's id (its vote and track-record key).
    var id: AgentID { get }
    /// The signals the agent raises on `market` at instant `at`.
    func signals(for market: MarketSnapshot, at: Date) -> [Signal]
}

extension Signal {
    /// Builds a signal with its edge computed by ``ValueAnalysis``; `nil` for an unusable price or
    /// probability, or when `keep` rejects the edge (checked first: the reason text is the costly part,
    /// and a backtest asks about every price of every market).
    static func make(
        agent: AgentID, snapshot: MarketSnapshot, outcome: Int, bookmaker: String, price: PricePoint,
        fairProbability: Double, keep: (Double) -> Bool = { _ in true }, confidence: (Double) -> Double,
        reason: (Double) -> String
    ) -> Signal? {
        guard
            let edge = try? ValueAnalysis.expectedValue(
                decimalOdds: price.decimalOdds, fairProbability: fairProbability),
            keep(edge)
        else { return nil }
        return Signal(
            agent: agent, eventID: snapshot.eventID, market: snapshot.market, outcomeIndex: outcome,
            outcome: snapshot.outcomes[outcome], bookmaker: bookmaker, decimalOdds: price.decimalOdds,
            capturedAt: price.capturedAt, fairProbability: fairProbability, edge: edge,
            confidence: min(1, max(0, confidence(edge))), reason: reason(edge))
    }

    /// Deterministic output order of every agent.
    static func canonicalOrder(_ a: Signal, _ b: Signal) -> Bool {
        if a.outcomeIndex != b.outcomeIndex { return a.outcomeIndex < b.outcomeIndex }
        if a.bookmaker != b.bookmaker { return a.bookmaker < b.bookmaker }
        return a.agent < b.agent
    }
}

/// Shared scoring and wording of the agents.
enum DetectionText {
    /// `x / (x + half)` for `x > 0`, else 0: 0.5 at `half`, tending to 1. Turns an unbounded margin
    /// into a 0…1 confidence without a hard cap.
    static func saturating(_ x: Double, half: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? 1 : 0 }
        guard half > 0 else { return 1 }
        return x / (x + half)
    }

    /// Decimal odds with 2 or 3 decimals: `2.50`, `2.045`.
    static func odds(_ x: Double) -> String {
        let three = String(format: "%.3f", x)
        return three.hasSuffix("0") ? String(three.dropLast()) : three
    }

    /// A probability or return as a percentage with 2 decimals, optionally signed.
    static func percent(_ x: Double, signed: Bool = false) -> String {
        String(format: signed ? "%+.2f%%" : "%.2f%%", 100 * x)
    }

    /// A change of probability in percentage points: `+25.00 points`.
    static func points(_ x: Double) -> String {
        String(format: "%+.2f points", 100 * x)
    }

    /// A duration such as `1 h 30 min`, `45 min`, `20 s`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(max(0, seconds).rounded())
        if s < 60 { return "\(s) s" }
        let minutes = s / 60
        if minutes < 60 { return "\(minutes) min" }
        let rest = minutes % 60
        return rest == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(rest) min"
    }
}
