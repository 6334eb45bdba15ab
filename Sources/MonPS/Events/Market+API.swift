import MonPSAPI
import MonPSCore

// Exhaustive bridges between the spec's market and outcome enums and the domain's: a case added on either side is a
// compile error here, not a failed request.

extension MarketType {
    init(_ market: Components.Schemas.Market) {
        switch market {
        case .h2h: self = .h2h
        case .spreads: self = .spreads
        case .totals: self = .totals
        }
    }
}

extension MarketType {
    /// `GET /v1/agents/compare`'s own enum of the same markets.
    init(_ market: Operations.CompareAgents.Input.Query.MarketPayload) {
        switch market {
        case .h2h: self = .h2h
        case .spreads: self = .spreads
        case .totals: self = .totals
        }
    }
}

extension Components.Schemas.Market {
    init(_ market: MarketType) {
        switch market {
        case .h2h: self = .h2h
        case .spreads: self = .spreads
        case .totals: self = .totals
        }
    }
}

extension Components.Schemas.Outcome {
    init(_ outcome: PriceOutcome) {
        switch outcome {
        case .home: self = .home
        case .draw: self = .draw
        case .away: self = .away
        case .over: self = .over
        case .under: self = .under
        }
    }
}

extension PriceOutcome {
    init(_ outcome: Components.Schemas.Outcome) {
        switch outcome {
        case .home: self = .home
        case .draw: self = .draw
        case .away: self = .away
        case .over: self = .over
        case .under: self = .under
        }
    }
}

// The odds feed's own inline enums of the same values (`POST /v1/feeds/odds`).
extension MarketType {
    init(_ market: Components.Schemas.OddsFeedPrice.MarketPayload) {
        switch market {
        case .h2h: self = .h2h
        case .spreads: self = .spreads
        case .totals: self = .totals
        }
    }
}

extension PriceOutcome {
    init(_ outcome: Components.Schemas.OddsFeedPrice.OutcomePayload) {
        switch outcome {
        case .home: self = .home
        case .draw: self = .draw
        case .away: self = .away
        case .over: self = .over
        case .under: self = .under
        }
    }
}

// The odds feed's result enums (`POST /v1/feeds/odds`).
extension ResultOutcome {
    init(_ status: Components.Schemas.OddsFeedResult.StatusPayload) {
        switch status {
        case .finished: self = .finished
        case .retired: self = .retired
        case .walkover: self = .walkover
        case .cancelled: self = .cancelled
        }
    }
}

extension MatchResultSelection {
    init(_ winner: Components.Schemas.OddsFeedResult.WinnerPayload) {
        switch winner {
        case .home: self = .home
        case .away: self = .away
        case .draw: self = .draw
        }
    }
}
