import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: consensus of agents")
struct ConsensusTests {
    typealias F = DetectionFixtures

    static func signal(
        _ agent: AgentID, outcome: Int = 0, bookmaker: String = "bet365", odds: Double = 2.5,
        p: Double = 0.5, event: Int64 = 1
    ) -> Signal {
        Signal(
            agent: agent, eventID: event, market: .h2h, outcomeIndex: outcome,
            outcome: ["home", "away"][outcome], bookmaker: bookmaker, decimalOdds: odds, capturedAt: F.now,
            fairProbability: p, edge: p * odds - 1, confidence: 0.5, reason: "\(agent) fired")
    }

    static let agents: [AgentID] = ["a", "b", "c", "d"]
    static let weights: [AgentID: Double] = ["a": 1, "b": 1, "c": 0.5, "d": 1.5]

    @Test func votesWeightsScoreAndVerdicts() throws {
        // a and d vote: majority 2/4 = 0.5, weighted (1 + 1.5)/4 = 0.625 → 50·(0.5 + 0.625) = 56.25.
        let two = Consensus.evaluate(
            [Self.signal("a"), Self.signal("d")], enabledAgents: Self.agents, weights: Self.weights)
        let caution = try #require(two.first)
        #expect(two.count == 1)
        #expect(caution.majorityShare == 0.5 && caution.weightedShare == 0.625)
        #expect(caution.score == 56.25 && caution.verdict == .caution)
        #expect(caution.votes.map(\.agent) == Self.agents)
        #expect(caution.votes.map(\.voted) == [true, false, false, true])
        #expect(caution.votes.map(\.weight) == [1, 1, 0.5, 1.5])
        #expect(caution.votes.compactMap(\.signal?.reason) == ["a fired", "d fired"])

        // Adding b: 3/4 and 3.5/4 → 50·(0.75 + 0.875) = 81.25.
        let three = Consensus.evaluate(
            [Self.signal("a"), Self.signal("d"), Self.signal("b")], enabledAgents: Self.agents,
            weights: Self.weights)
        #expect(three.first?.score == 81.25 && three.first?.verdict == .analyze)

        // c alone: 1/4 and 0.5/4 → 18.75 < 30: no opportunity.
        #expect(Consensus.evaluate([Self.signal("c")], enabledAgents: Self.agents, weights: Self.weights).isEmpty)
    }

    @Test func thresholdsAreInclusive() {
        // Two agents, one votes, equal weights: score 50.
        let one = [Self.signal("a")]
        let at50 = ConsensusConfiguration(analyzeThreshold: 50)
        #expect(Consensus.evaluate(one, enabledAgents: ["a", "b"], configuration: at50).first?.verdict == .analyze)
        let above = ConsensusConfiguration(analyzeThreshold: 50.0001)
        #expect(Consensus.evaluate(one, enabledAgents: ["a", "b"], configuration: above).first?.verdict == .caution)
        // Weighted vote only (λ = 0), weights 1 and 3: the voter holds 25%.
        let weighted = ConsensusConfiguration(cautionThreshold: 25, majorityShare: 0)
        let result = Consensus.evaluate(one, enabledAgents: ["a", "b"], weights: ["b": 3], configuration: weighted)
        #expect(result.first?.score == 25 && result.first?.verdict == .caution)
        let stricter = ConsensusConfiguration(cautionThreshold: 25.0001, majorityShare: 0)
        #expect(Consensus.evaluate(one, enabledAgents: ["a", "b"], weights: ["b": 3], configuration: stricter).isEmpty)
    }

    @Test func bestPriceGroupingTakesEachAgentsBestAndTheBestOverall() throws {
        // a: 2.5 at bet365 (p 0.5); b: 2.6 at unibet and 2.4 at bwin (p 0.45). Weights 1 and 3.
        let signals = [
            Self.signal("a", odds: 2.5, p: 0.5),
            Self.signal("b", bookmaker: "bwin", odds: 2.4, p: 0.45),
            Self.signal("b", bookmaker: "unibet", odds: 2.6, p: 0.45),
        ]
        let result = Consensus.evaluate(signals, enabledAgents: ["a", "b"], weights: ["b": 3])
        let opportunity = try #require(result.first)
        #expect(result.count == 1)
        #expect(opportunity.bookmaker == "unibet" && opportunity.decimalOdds == 2.6)
        #expect(opportunity.votes[1].signal?.bookmaker == "unibet")
        // Fair probability (1·0.5 + 3·0.45)/4 = 0.4625; edge 0.4625·2.6 − 1 = 0.2025.
        expectClose(opportunity.fairProbability, 0.4625, 1e-15)
        expectClose(opportunity.edge, 0.2025, 1e-14)
        #expect(opportunity.score == 100 && opportunity.verdict == .analyze)
        #expect(opportunity.averageConfidence == 0.5)

        // Per-bookmaker grouping: three opportunities, each with one voter of two (score 50 with
        // weights 1/4 or 3/4 mixed in: a 50·(0.5 + 0.25) = 37.5, b 50·(0.5 + 0.75) = 62.5).
        let split = Consensus.evaluate(
            signals, enabledAgents: ["a", "b"], weights: ["b": 3],
            configuration: ConsensusConfiguration(grouping: .bookmaker))
        #expect(split.map(\.bookmaker) == ["unibet", "bwin", "bet365"])
        #expect(split.map(\.score) == [62.5, 62.5, 37.5])
        #expect(split.map(\.verdict) == [.analyze, .analyze, .caution])
    }

    @Test func disabledAgentsDuplicatesAndZeroWeights() {
        let signals = [Self.signal("a"), Self.signal("x")]
        // x is not enabled; a listed twice counts once: 1 of 2.
        let result = Consensus.evaluate(signals, enabledAgents: ["a", "a", "b"])
        #expect(result.first?.votes.map(\.agent) == ["a", "b"])
        #expect(result.first?.score == 50)
        // Every weight 0: the weighted share falls back to the majority share.
        let zero = Consensus.evaluate(signals, enabledAgents: ["a", "b"], weights: ["a": 0, "b": -1])
        #expect(zero.first?.weightedShare == 0.5 && zero.first?.score == 50)
        #expect(Consensus.evaluate(signals, enabledAgents: []).isEmpty)
    }

    @Test func opportunitiesAreGroupedByEventAndOutcomeAndSortedStrongestFirst() {
        let signals = [
            Self.signal("a", outcome: 1, event: 2), Self.signal("a", outcome: 0, event: 1),
            Self.signal("b", outcome: 0, event: 1), Self.signal("a", outcome: 0, event: 2),
        ]
        let result = Consensus.evaluate(signals, enabledAgents: ["a", "b"])
        #expect(result.map(\.eventID) == [1, 2, 2])
        #expect(result.map(\.outcomeIndex) == [0, 0, 1])
        #expect(result.map(\.score) == [100, 50, 50])
    }

    @Test func agentsDrivenThroughConsensusOnOneMarket() throws {
        // A real market: B (sharp value) and A (consensus anomaly, α = 0.25) both flag home.
        let market = F.twoWay([
            F.quote("pinnacle", [2.0, 2.0]), F.quote("b1", [4.5, 1.25]), F.quote("b2", [1.25, 1.25]),
            F.quote("b3", [1.125, 1.25]), F.quote("b4", [1.125, 1.25]),
        ])
        let agents: [any DetectionAgent] = [
            ConsensusAnomalyAgent(configuration: .init(alpha: 0.25, minBookmakers: 5)), SharpValueAgent(), SteamAgent(),
        ]
        let signals = agents.flatMap { $0.signals(for: market, at: F.now) }
        let result = Consensus.evaluate(signals, enabledAgents: agents.map(\.id))
        let top = try #require(result.first)
        #expect(top.outcome == "home" && top.bookmaker == "b1" && top.decimalOdds == 4.5)
        #expect(top.votes.map(\.voted) == [true, true, false])
        expectClose(top.score, 200.0 / 3.0, 1e-12)
        #expect(top.verdict == .analyze)
    }
}
