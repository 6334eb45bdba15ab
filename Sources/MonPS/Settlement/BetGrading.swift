import Foundation
import MonPSCore

/// Turns a stored bet and its event into the maths core's terms, so `Settler` grades it.
///
/// Score basis: football markets are settled on regulation time (90 minutes + stoppage); the other sports'
/// handicaps and totals include overtime/extra innings, as their bookmakers grade them (see `BetLine`).
enum BetGrading {
    struct StoredBet: Sendable, Equatable {
        var market: String
        var selection: String
        var point: Double?
        var odds: Double
        var stake: Int64
        var hasDraw: Bool
        var groupKey: String
    }

    struct StoredEvent: Sendable, Equatable {
        var status: String
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
        guard let kind = BetMarketKind(rawValue: bet.market), let selection = BetSelection(rawValue: bet.selection),
              let market = BetLine(stored: kind, selection: selection, point: bet.point)
                  .coreMarket(hasDraw: bet.hasDraw, basis: bet.groupKey == "soccer" ? .regulation : .includingOvertime)
        else { throw GradingError.unsupported("\(bet.selection) in \(bet.market)") }
        return BetSlip(stake: bet.stake, decimalOdds: bet.odds, market: market)
    }

    static func status(_ event: StoredEvent, now: Date) -> EventStatus {
        let start = Int64(event.startsAt.timeIntervalSince1970)
        if let result = event.result {
            let winner = result.winner.flatMap(Side.init(rawValue:))
            switch result.outcome {
            case "finished":
                let final = FinalScore(home: result.homeScore, away: result.awayScore)
                let regulation = result.regulationHome.flatMap { home in
                    result.regulationAway.map { FinalScore(home: home, away: $0) }
                } ?? final
                return .completed(EventScore(regulation: regulation, final: final))
            case "retired":
                // Sets finished before the retirement: every set in the score but the one in play.
                let sets = max(0, (result.periodScores?.count ?? 1) - 1)
                if let winner { return .retired(advancing: winner, completedSets: sets) }
            case "walkover":
                if let winner { return .walkover(advancing: winner) }
            case "cancelled":
                return .cancelled(scheduledStart: start)
            default:
                break
            }
        }
        switch event.status {
        case "cancelled": return .cancelled(scheduledStart: start)
        case "postponed": return .postponed(scheduledStart: start)
        default: return event.startsAt > now ? .notStarted : .inProgress
        }
    }
}
