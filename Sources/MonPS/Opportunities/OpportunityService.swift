import Foundation
import MonPSCore

/// The opportunities feature's rules: what a list filter reads (a `starts_within` window on the process clock, the
/// keyset page), what an opportunity's detail shows, the agents' switches (audited, the cached lists dropped) and the
/// agents' comparison. Handlers only map the generated types to and from it; the repositories only run SQL.
struct OpportunityService: Sendable {
    let opportunities: PostgresOpportunityRepository
    let agentRecords: AgentRecordsRepository
    /// Holds the shared opportunity lists dropped when an agent is switched.
    let cache: ResponseCache
    let audit: AuditLog
    let now: @Sendable () -> Date

    /// The longest `starts_within` window.
    static let longestWindow: TimeInterval = 60 * 86_400

    struct Page: Sendable {
        var items: [OpportunityRecord]
        var nextCursor: String?
    }

    /// One page of active opportunities matching `filter`; `startsWithin` (`90m`, `24h`, `7d`) keeps those starting
    /// within that long from now.
    func list(_ filter: OpportunityFilter, startsWithin: String?, page: PageRequest) async throws -> Page {
        var filter = filter
        if let startsWithin { filter.startsBefore = now().addingTimeInterval(try Self.window(startsWithin)) }
        if let minEdge = filter.minEdge, !minEdge.isFinite { throw OpportunityError.invalid(field: "min_edge", "must be a number") }
        let after = try page.after.map(OpportunityFilter.Sort.keyset)
        let fetched = try await opportunities.list(filter, after: after, limit: page.limit + 1)
        let sort = filter.sort
        let (items, next) = page.page(fetched) { record in
            sort.cursorKey(score: record.score, edge: record.edge, startsAt: record.startsAt, id: record.id)
        }
        return Page(items: items, nextCursor: next)
    }

    /// An opportunity with the agents' votes, the prices the agents saw and the best prices now on its line.
    struct Detail: Sendable {
        var record: OpportunityRecord
        var votes: [AgentVote]
        /// bookmaker → outcome → price, as the detection run saw them.
        var pricesSeen: [String: [String: Double]]
        var currentBest: [PriceRecord]
    }

    func detail(id reference: String) async throws -> Detail {
        let record = try await existing(reference)
        let votes = OpportunityStore.storedVotes(record.votesJSON)
        // Written by the detector too; unreadable, it shows as no prices rather than failing the page.
        let seen = (try? JSONDecoder().decode([String: [String: Double]].self, from: Data((record.pricesJSON ?? "{}").utf8))) ?? [:]
        let best = EventPrices(latest: try await opportunities.currentPrices(of: record), closing: []).best
        return Detail(record: record, votes: votes, pricesSeen: seen, currentBest: best)
    }

    /// The opportunity `id`, nil when there is none (a share pointing at it says so in its own words).
    func record(_ id: UUID) async throws -> OpportunityRecord? {
        try await opportunities.get(id: id)
    }

    /// The opportunity `reference` names; `OpportunityError.notFound` when there is none.
    func existing(_ reference: String) async throws -> OpportunityRecord {
        guard let id = UUID(uuidString: reference), let record = try await opportunities.get(id: id) else {
            throw OpportunityError.notFound(String(reference.prefix(64)))
        }
        return record
    }

    func agents() async throws -> [AgentRecord] {
        try await opportunities.agents()
    }

    /// Switches an agent on or off for every later detection run: audited, and the cached lists dropped.
    func setAgent(_ id: String, enabled: Bool, by user: UUID, context: AuditContext) async throws -> AgentRecord {
        guard let agent = try await opportunities.setAgent(id, enabled: enabled, by: user) else {
            throw OpportunityError.agentNotFound(String(id.prefix(64)))
        }
        try? await cache.invalidate(tag: "opportunities")
        try await audit.record(
            AuditAction("agent.updated"), actor: user, targetType: "agent", targetID: agent.id, context: context,
            details: ["enabled": .bool(agent.enabled)])
        return agent
    }

    /// Each agent's live and backtested record in `filter`, by `period`, with the track-record weight agent D gives it.
    func comparison(
        _ filter: AgentRecordFilter, period: AgentComparison.Period
    ) async throws -> AgentComparison {
        // Agent D re-weights the others and has no picks of its own: its weights are shown on each agent's line.
        let agents = try await opportunities.agents().filter { $0.id != AgentID.trackRecord.rawValue }
        let records = try await agentRecords.trackRecords()
        let weights = Dictionary(uniqueKeysWithValues: agents.map { agent in
            let record = records.record(for: AgentID(rawValue: agent.id), sport: filter.sport, market: filter.market)
            return (agent.id, TrackRecordWeighting().weight(for: record))
        })
        return AgentComparison.build(
            agents: agents.map { (id: $0.id, title: "\($0.letter) — \($0.title)", enabled: $0.enabled) }, weights: weights,
            live: try await agentRecords.live(filter), backtests: try await agentRecords.latestBacktests(filter),
            period: period)
    }

    /// `90m`, `24h`, `7d` → seconds (1 minute … 60 days).
    static func window(_ text: String) throws -> TimeInterval {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else {
            throw OpportunityError.invalid(field: "starts_within", "expected a number and a unit, e.g. 90m, 24h, 7d")
        }
        let seconds: Int
        switch unit {
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: throw OpportunityError.invalid(field: "starts_within", "the unit must be m, h or d")
        }
        guard TimeInterval(seconds) <= longestWindow else { throw OpportunityError.invalid(field: "starts_within", "at most 60 days") }
        return TimeInterval(seconds)
    }
}

/// What the opportunities feature refuses.
enum OpportunityError: Error, Equatable {
    case notFound(String)
    case agentNotFound(String)
    case invalid(field: String, String)
}
