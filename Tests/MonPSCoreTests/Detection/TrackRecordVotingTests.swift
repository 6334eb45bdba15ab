import Foundation
import Testing

@testable import MonPSCore

/// The live vote with agent D: without its table (D disabled) every vote weighs 1; with it, each agent's vote weighs
/// what its record earns in the event's sport and market family.
@Suite("Detection: voting with agent D's track record")
struct TrackRecordVotingTests {
    static let agents: [AgentID] = [.sharpValue, .steam]
    static let signals = [ConsensusTests.signal(.sharpValue, event: 1), ConsensusTests.signal(.sharpValue, event: 2)]

    @Test func withoutATableEveryVoteWeighsOne() throws {
        let plain = Consensus.evaluate(Self.signals, enabledAgents: Self.agents)
        let voted = TrackRecordVoting.evaluate(Self.signals, agents: Self.agents, records: nil, sports: [1: "soccer_epl", 2: "tennis_atp"])
        #expect(voted == plain)
        #expect(voted.flatMap(\.votes).map(\.weight) == [1, 1, 1, 1])
    }

    @Test func eachEventIsWeighedByItsSportsRecord() throws {
        let table = TrackRecordTable([
            TrackRecordKey(agent: .sharpValue, sport: "soccer_epl"): AgentRecord(bets: 100_000, roi: 0.5, averageCLV: 0.2),
            TrackRecordKey(agent: .sharpValue, sport: "tennis_atp"): AgentRecord(bets: 100_000, roi: -0.5, averageCLV: -0.2),
        ])
        let voted = TrackRecordVoting.evaluate(
            Self.signals, agents: Self.agents, records: table, sports: [1: "soccer_epl", 2: "tennis_atp"])
        let football = try #require(voted.first { $0.eventID == 1 })
        #expect(football.votes.first { $0.agent == .sharpValue }?.weight == 2)
        #expect(football.votes.first { $0.agent == .steam }?.weight == 1)
        // The tennis record weighs the agent's vote to 0: the event does not reach the caution threshold.
        #expect(!voted.contains { $0.eventID == 2 })
    }
}
