/// One of the two teams/players of a match.
public enum Side: String, Sendable, Codable, CaseIterable, Hashable {
    /// The home (first-named) side.
    case home
    /// The away (second-named) side.
    case away
}

/// A selection of the 1X2 (three-way) market.
public enum MatchResultSelection: String, Sendable, Codable, CaseIterable, Hashable {
    /// 1: home win.
    case home
    /// X: draw.
    case draw
    /// 2: away win.
    case away
}

extension MatchResultSelection {
    /// The result a final score shows.
    public init(home: Int, away: Int) {
        self = home > away ? .home : (home < away ? .away : .draw)
    }

    /// The side that won (or advanced); `nil` for a draw.
    public var side: Side? {
        switch self {
        case .home: .home
        case .away: .away
        case .draw: nil
        }
    }
}

/// A double-chance selection: two of the three 1X2 results win.
public enum DoubleChanceSelection: String, Sendable, Codable, CaseIterable, Hashable {
    /// 1X: home or draw.
    case homeOrDraw = "1X"
    /// 12: home or away (no draw).
    case homeOrAway = "12"
    /// X2: draw or away.
    case drawOrAway = "X2"
}

/// Over or under a totals line.
public enum TotalSide: String, Sendable, Codable, CaseIterable, Hashable {
    /// Total strictly above the line wins.
    case over
    /// Total strictly below the line wins.
    case under
}

/// Which score grades a market.
public enum ScoreBasis: String, Sendable, Codable, CaseIterable, Hashable {
    /// Regulation time only (football 90 minutes plus stoppage; NHL/NBA 60/48 minutes; 9 innings).
    case regulation
    /// The final result including overtime, extra innings and a shoot-out.
    case includingOvertime = "including_overtime"
}

/// A market and the selection backed in it.
///
/// Line conventions: a handicap `line` is added to the backed side's margin (home −1.5 means home
/// must win by 2+); totals compare the sum of both scores with the line. Lines are multiples of
/// 0.25; quarter lines split the stake across the two neighbouring lines (see ``Settler``).
public enum BetMarket: Sendable, Codable, Hashable {
    /// 1X2: exactly one of home / draw / away wins.
    case matchResult(MatchResultSelection, basis: ScoreBasis = .regulation)
    /// Two-way moneyline / match winner. A tie on the chosen basis is a push (stake returned),
    /// e.g. an NFL tie, or a regulation-time draw when the basis is `.regulation`.
    case moneyline(Side, basis: ScoreBasis = .includingOvertime)
    /// Draw no bet: the draw is a push.
    case drawNoBet(Side, basis: ScoreBasis = .regulation)
    /// Double chance (1X, 12, X2).
    case doubleChance(DoubleChanceSelection, basis: ScoreBasis = .regulation)
    /// Spread / Asian handicap on a side, incl. quarter lines.
    case handicap(Side, line: Double, basis: ScoreBasis = .regulation)
    /// Totals over/under, incl. quarter lines.
    case total(TotalSide, line: Double, basis: ScoreBasis = .regulation)
    /// Outright winner of a competition or race, identified by a selection id
    /// (dead heats supported).
    case outright(selection: String)
}

/// A bet to be graded.
public struct BetSlip: Sendable, Codable, Hashable {
    /// Stake in minor units, > 0.
    public var stake: Int64
    /// Decimal odds struck, > 1.
    public var decimalOdds: Double
    /// Market and selection.
    public var market: BetMarket

    /// Creates a bet slip (validated when settled).
    public init(stake: Int64, decimalOdds: Double, market: BetMarket) {
        self.stake = stake
        self.decimalOdds = decimalOdds
        self.market = market
    }
}
