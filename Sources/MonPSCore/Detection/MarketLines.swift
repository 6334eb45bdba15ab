// How stored prices map to markets: one rule for detection, backtests, grading and bets.

extension MarketType {
    /// The outcomes of a market of this family, in the order every snapshot and de-vig uses.
    public func outcomes(hasDraw: Bool) -> [String] {
        switch self {
        case .h2h: hasDraw ? ["home", "draw", "away"] : ["home", "away"]
        case .spreads: ["home", "away"]
        case .totals: ["over", "under"]
        }
    }
}

extension MarketKey {
    /// The market a price belongs to, from its family name, its outcome and the outcome's own point: h2h (the point is
    /// ignored); totals at the total; spreads at the **home** handicap, so an away price at +0.75 belongs to the home
    /// −0.75 market. `nil` for another family, a missing or non-finite point, or a spreads outcome other than home/away.
    public init?(market: String, outcome: String, point: Double?) {
        guard let type = MarketType(rawValue: market) else { return nil }
        if type == .h2h {
            self = .h2h
            return
        }
        guard let point, point.isFinite else { return nil }
        switch (type, outcome) {
        case (.totals, _), (.spreads, "home"): self.init(type, line: point + 0.0)  // + 0.0: no −0.0 key
        case (.spreads, "away"): self.init(type, line: -point + 0.0)
        default: return nil
        }
    }

    /// The market of a typed price (see the stored form above).
    public init?(market: MarketType, outcome: PriceOutcome, point: Double?) {
        self.init(market: market.rawValue, outcome: outcome.rawValue, point: point)
    }

    /// `outcome`'s own point in this market (the inverse of `init(market:outcome:point:)`): the total, the home
    /// handicap, or its mirror for the away side; `nil` for h2h.
    public func point(of outcome: String) -> Double? {
        guard let line else { return nil }
        return type == .spreads && outcome == "away" ? -line + 0.0 : line
    }
}
