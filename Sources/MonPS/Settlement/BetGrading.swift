import Foundation
import MonPSCore

/// Turns a stored bet and its event into the maths core's terms, so `Settler` grades it.
///
/// Score basis: football markets are settled on regulation time (90 minutes + stoppage); the other sports'
/// handicaps and totals include overtime/extra innings, as their bookmakers grade them (see `BetLine`).
enum BetGrading {
    struct StoredBet: Sendable, Equatable {
        var market: BetMarketKind
        var selection: BetSelection
        var point: Double?
        var odds: Double
        var stake: Int64
        var hasDraw: Bool
        var groupKey: String
    }

    struct StoredEvent: Sendable, Equatable {
        var status: EventState
        var startsAt: Date
        var result: EventResultRecord?
    }

    enum GradingError: Error, Equatable, CustomStringConvertible {
        case unsupported(String)
        var description: String {
            switch self { case .unsupported(let what): "cannot grade: \(what)" }
        }
    }

    static func slip(_ bet: StoredBet) throws -> BetSlip {
        guard let market = BetLine(stored: bet.market, selection: bet.selection, point: bet.point)
            .coreMarket(hasDraw: bet.hasDraw, basis: bet.groupKey == "soccer" ? .regulation : .includingOvertime)
        else { throw GradingError.unsupported("\(bet.selection.rawValue) in \(bet.market.rawValue)") }
        return BetSlip(stake: bet.stake, decimalOdds: bet.odds, market: market)
    }

    /// The columns of an event's result (`event_results r`, outer-joined) that `result(_:)` reads.
    static let resultColumns = """
        r.home_score, r.away_score, r.regulation_home, r.regulation_away, r.period_scores::text AS period_scores,
        r.outcome AS result_outcome, r.winner
        """

    /// The result read from `resultColumns`; `nil` when the scores are NULL (no result yet).
    static func result(_ read: RowReader) throws -> EventResultRecord? {
        guard let home: Int = try read("home_score"), let away: Int = try read("away_score") else { return nil }
        return EventResultRecord(
            homeScore: home, awayScore: away, regulationHome: try read("regulation_home"),
            regulationAway: try read("regulation_away"),
            periodScores: try EventResultRecord.periodScores(stored: try read("period_scores")),
            outcome: try read("result_outcome", ResultOutcome.self), winner: try read("winner", MatchResultSelection?.self),
            overtime: false, notes: nil)
    }

    static func status(_ event: StoredEvent, now: Date) -> EventStatus {
        let start = Int64(event.startsAt.timeIntervalSince1970)
        if let result = event.result {
            let winner = result.winner?.side
            switch result.outcome {
            case .finished:
                let final = FinalScore(home: result.homeScore, away: result.awayScore)
                let regulation = result.regulationHome.flatMap { home in
                    result.regulationAway.map { FinalScore(home: home, away: $0) }
                } ?? final
                return .completed(EventScore(regulation: regulation, final: final))
            case .retired:
                // Sets finished before the retirement: every set in the score but the one in play.
                let sets = max(0, (result.periodScores?.count ?? 1) - 1)
                if let winner { return .retired(advancing: winner, completedSets: sets) }
            case .walkover:
                if let winner { return .walkover(advancing: winner) }
            case .cancelled:
                return .cancelled(scheduledStart: start)
            }
        }
        switch event.status {
        case .cancelled: return .cancelled(scheduledStart: start)
        case .postponed: return .postponed(scheduledStart: start)
        case .scheduled, .live, .finished: return event.startsAt > now ? .notStarted : .inProgress
        }
    }

    /// Grades a stored bet against its stored event: esports by the esports rules, every other sport by `Settler`.
    static func decision(_ bet: StoredBet, _ event: StoredEvent, rules: SettlementRules, now: Date) throws
        -> SettlementDecision
    {
        if bet.groupKey == "esports" { return try esportsDecision(bet, event, rules: rules, now: now) }
        return try Settler.settle(
            try slip(bet), status: status(event, now: now), rules: rules, now: Int64(now.timeIntervalSince1970))
    }

    /// Esports bets follow `EsportsSettlement` on the map score: a match winner, map handicap or total maps. The
    /// series format is not stored, so a forfeit stands only where every format the score allows agrees.
    private static func esportsDecision(_ bet: StoredBet, _ event: StoredEvent, rules: SettlementRules, now: Date) throws
        -> SettlementDecision
    {
        guard let market = esportsMarket(bet) else {
            throw GradingError.unsupported("\(bet.selection.rawValue) in \(bet.market.rawValue) for esports")
        }
        let start = Int64(event.startsAt.timeIntervalSince1970)
        var score = FinalScore(home: 0, away: 0)
        var state: EsportsSeries.State
        switch event.status {
        case .cancelled, .postponed: state = .cancelled(scheduledStart: start)
        case .scheduled, .live, .finished: state = event.startsAt > now ? .scheduled : .live
        }
        if let result = event.result {
            let winner = result.winner?.side
            switch (result.outcome, winner) {
            case (.finished, _):
                state = .finished
                score = FinalScore(home: result.homeScore, away: result.awayScore)
            case (.retired, let advancing?):
                state = .forfeit(advancing: advancing)
                score = FinalScore(home: result.homeScore, away: result.awayScore)
            case (.walkover, let advancing?):
                state = .walkover(advancing: advancing)
            case (.cancelled, _):
                state = .cancelled(scheduledStart: start)
            case (.retired, nil), (.walkover, nil):
                break
            }
        }
        return try EsportsSettlement.settle(
            stake: bet.stake, decimalOdds: bet.odds, market: market, mapScore: score, state: state, rules: rules,
            now: Int64(now.timeIntervalSince1970))
    }

    private static func esportsMarket(_ bet: StoredBet) -> EsportsMarket? {
        switch (bet.market, bet.selection, bet.point) {
        case (.h2h, .home, _): .matchWinner(.home)
        case (.h2h, .away, _): .matchWinner(.away)
        case (.spreads, .home, let line?): .mapHandicap(.home, line: line)
        case (.spreads, .away, let line?): .mapHandicap(.away, line: line)
        case (.totals, .over, let line?): .totalMaps(.over, line: line)
        case (.totals, .under, let line?): .totalMaps(.under, line: line)
        default: nil
        }
    }
}
