import Foundation
import MonPSCore

/// A market, a selection and (spreads, totals) its line: what a bet backs. Valid by construction.
struct BetLine: Sendable, Equatable, Hashable {
    var market: BetMarketKind
    var selection: BetSelection
    /// Handicap from the selection's side, or the total; nil for the other markets.
    var point: Double?

    /// Checks the combination; `hasDraw` is the sport's (draws, draw-no-bet and double chance need a three-way sport).
    init(market: BetMarketKind, selection: BetSelection, point: Double?, hasDraw: Bool) throws(BettingError) {
        let allowed: Set<BetSelection>
        switch market {
        case .h2h: allowed = hasDraw ? [.home, .draw, .away] : [.home, .away]
        case .spreads, .drawNoBet: allowed = [.home, .away]
        case .totals: allowed = [.over, .under]
        case .doubleChance: allowed = [.homeOrDraw, .homeOrAway, .drawOrAway]
        }
        if (market == .drawNoBet || market == .doubleChance) && !hasDraw {
            throw .validation(field: "market", message: "\(market.rawValue) needs a sport with draws")
        }
        guard allowed.contains(selection) else {
            let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw .validation(field: "selection", message: "must be one of \(names) for \(market.rawValue)")
        }
        switch market {
        case .spreads, .totals:
            guard let point else { throw .validation(field: "point", message: "is required for \(market.rawValue)") }
            guard point.isFinite, abs(point) < 1000, (point * 4).rounded() == point * 4 else {
                throw .validation(field: "point", message: "must be a multiple of 0.25 between -1000 and 1000")
            }
            if market == .totals && point < 0 {
                throw .validation(field: "point", message: "must not be negative for totals")
            }
        default:
            guard point == nil else { throw .validation(field: "point", message: "is only for spreads and totals") }
        }
        self.market = market
        self.selection = selection
        self.point = point
    }

    /// From stored values (already valid).
    init(stored market: BetMarketKind, selection: BetSelection, point: Double?) {
        self.market = market
        self.selection = selection
        self.point = point
    }

    /// The market in the maths core's terms, for settlement (`hasDraw`: 1X2 rather than moneyline). `basis` is
    /// the score handicaps, totals, draw-no-bet and double chance are graded on: regulation for football, the
    /// final score (overtime included) for the US sports, as their bookmakers grade them.
    func coreMarket(hasDraw: Bool, basis: ScoreBasis = .regulation) -> MonPSCore.BetMarket? {
        let side: Side? = selection == .home ? .home : selection == .away ? .away : nil
        switch market {
        case .h2h:
            if hasDraw { return MatchResultSelection(rawValue: selection.rawValue).map { .matchResult($0) } }
            return side.map { .moneyline($0) }
        case .spreads:
            guard let side, let point else { return nil }
            return .handicap(side, line: point, basis: basis)
        case .totals:
            guard let point, let total = TotalSide(rawValue: selection.rawValue) else { return nil }
            return .total(total, line: point, basis: basis)
        case .drawNoBet:
            return side.map { .drawNoBet($0, basis: basis) }
        case .doubleChance:
            return DoubleChanceSelection(rawValue: selection.rawValue).map { .doubleChance($0, basis: basis) }
        }
    }

    /// The outcomes priced together with this one in the odds tables (`latest_odds`), for de-vigging; nil for the
    /// markets MonPS does not collect (draw-no-bet, double chance).
    /// The stored market whose prices price this line; nil for markets MonPS does not price.
    var pricedMarketType: MarketType? {
        switch market {
        case .h2h: .h2h
        case .spreads: .spreads
        case .totals: .totals
        case .drawNoBet, .doubleChance: nil
        }
    }

    func pricedMarket(hasDraw: Bool) -> [BetSelection]? {
        switch market {
        case .h2h: hasDraw ? [.home, .draw, .away] : [.home, .away]
        case .spreads: [.home, .away]
        case .totals: [.over, .under]
        case .drawNoBet, .doubleChance: nil
        }
    }

    /// The line another outcome of the same market must have to be mutually exclusive with this one:
    /// the same total, the opposite handicap.
    func point(of other: BetSelection) -> Double? {
        guard let point else { return nil }
        if market == .spreads && other != selection { return point == 0 ? 0 : -point }
        return point
    }

    /// Whether `other` can enter one simultaneous Kelly allocation with this bet: the same outcome (its stake counts
    /// towards the target), or another outcome of a market whose outcomes exclude each other and leave nothing
    /// refunded — 1X2/moneyline, and spreads/totals on half-point lines (opposite handicaps, the same total).
    /// Draw-no-bet and double-chance outcomes, and whole or quarter lines, can push or overlap: never joined.
    func isJoinable(with other: BetLine) -> Bool {
        guard other.market == market else { return false }
        switch market {
        case .h2h: return true
        case .drawNoBet, .doubleChance: return other.selection == selection
        case .spreads, .totals:
            guard other.point == point(of: other.selection) else { return false }
            return other.selection == selection || isHalfPointLine
        }
    }

    /// x.5 lines: no push, no half result.
    var isHalfPointLine: Bool {
        guard let point else { return false }
        let doubled = point * 2
        return doubled.rounded() == doubled && !Int(doubled).isMultiple(of: 2)
    }
}
