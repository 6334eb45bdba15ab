/// The live vote with agent D: when it is enabled, every signal is re-scored by its agent's measured record and each
/// agent's vote weighs what that record earns in the event's sport and market family (``TrackRecordWeighting``); when
/// it is disabled, or an agent has no record yet, votes weigh 1.
public enum TrackRecordVoting {
    private struct Slice: Hashable {
        var sport: String
        var market: MarketType
    }

    /// - Parameters:
    ///   - records: agent D's table, or `nil` when D is disabled.
    ///   - sports: the sport of each event of `signals`.
    public static func evaluate(
        _ signals: [Signal], agents: [AgentID], records: TrackRecordTable?,
        configuration: ConsensusConfiguration = ConsensusConfiguration(), sports: [Int64: String]
    ) -> [Opportunity] {
        guard let records else { return Consensus.evaluate(signals, enabledAgents: agents, configuration: configuration) }
        let trackRecord = TrackRecordAgent(wrapping: [], records: records)
        let slices = Dictionary(grouping: signals) { Slice(sport: sports[$0.eventID] ?? "", market: $0.market.type) }
        return slices.flatMap { slice, signals in
            Consensus.evaluate(
                trackRecord.rescore(signals, sport: slice.sport), enabledAgents: agents,
                weights: records.weights(for: agents, sport: slice.sport, market: slice.market),
                configuration: configuration)
        }
    }
}
