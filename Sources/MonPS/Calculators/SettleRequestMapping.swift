import Foundation
import MonPSAPI
import MonPSCore

/// Turns the settle calculator's JSON (market + event) into the core's `BetMarket` and `EventStatus`,
/// naming the field at fault when a combination makes no sense.
enum SettleRequestMapping {
    static func market(_ market: Components.Schemas.SettleMarket) throws -> BetMarket {
        let basis = try market.basis.map { basis -> ScoreBasis in
            guard let parsed = ScoreBasis(rawValue: basis.rawValue) else { throw invalid("market.basis", basis.rawValue) }
            return parsed
        }
        func side() throws -> Side {
            guard let side = Side(rawValue: market.selection) else { throw invalid("market.selection", "expected home or away") }
            return side
        }
        func line() throws -> Double {
            guard let line = market.line else {
                throw CalculatorInputError("market.line is required for \(market._type.rawValue)", field: "market.line")
            }
            return line
        }
        switch market._type {
        case .matchResult:
            guard let selection = MatchResultSelection(rawValue: market.selection) else {
                throw invalid("market.selection", "expected home, draw or away")
            }
            return .matchResult(selection, basis: basis ?? .regulation)
        case .moneyline:
            return .moneyline(try side(), basis: basis ?? .includingOvertime)
        case .drawNoBet:
            return .drawNoBet(try side(), basis: basis ?? .regulation)
        case .doubleChance:
            guard let selection = DoubleChanceSelection(rawValue: market.selection) else {
                throw invalid("market.selection", "expected 1X, 12 or X2")
            }
            return .doubleChance(selection, basis: basis ?? .regulation)
        case .handicap:
            return .handicap(try side(), line: try line(), basis: basis ?? .regulation)
        case .total:
            guard let side = TotalSide(rawValue: market.selection) else { throw invalid("market.selection", "expected over or under") }
            return .total(side, line: try line(), basis: basis ?? .regulation)
        }
    }

    static func status(_ event: Components.Schemas.SettleEvent) throws -> EventStatus {
        func scheduledStart() throws -> Int64 {
            guard let start = event.scheduledStart else {
                throw CalculatorInputError("event.scheduled_start is required for a \(event.status.rawValue) event", field: "event.scheduled_start")
            }
            return Int64(start.timeIntervalSince1970)
        }
        func advancing() throws -> Side {
            guard let advancing = event.advancing, let side = Side(rawValue: advancing.rawValue) else {
                throw CalculatorInputError("event.advancing is required for a \(event.status.rawValue) event", field: "event.advancing")
            }
            return side
        }
        switch event.status {
        case .notStarted: return .notStarted
        case .inProgress: return .inProgress
        case .cancelled: return .cancelled(scheduledStart: try scheduledStart())
        case .postponed: return .postponed(scheduledStart: try scheduledStart())
        case .walkover: return .walkover(advancing: try advancing())
        case .retired: return .retired(advancing: try advancing(), completedSets: event.completedSets ?? 0)
        case .completed:
            guard let home = event.homeScore, let away = event.awayScore else {
                throw CalculatorInputError("event.home_score and event.away_score are required for a completed event", field: "event")
            }
            let final = FinalScore(home: home, away: away)
            if let regulationHome = event.regulationHomeScore, let regulationAway = event.regulationAwayScore {
                return .completed(EventScore(regulation: FinalScore(home: regulationHome, away: regulationAway), final: final))
            }
            return .completed(EventScore(regulation: final))
        }
    }

    private static func invalid(_ field: String, _ message: String) -> CalculatorInputError {
        CalculatorInputError("\(field): \(message)", field: field)
    }
}
