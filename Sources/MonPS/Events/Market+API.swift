import MonPSAPI
import MonPSCore

// Exhaustive bridges between the spec's market, outcome, result, winner and grade enums and the domain's: a case added on
// either side is a compile error here, not a failed request.

extension MarketType {
    init(_ market: Components.Schemas.Market) {
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

extension ResultOutcome {
    init(_ outcome: Components.Schemas.ResultOutcome) {
        switch outcome {
        case .finished: self = .finished
        case .retired: self = .retired
        case .walkover: self = .walkover
        case .cancelled: self = .cancelled
        }
    }
}

extension Components.Schemas.ResultOutcome {
    init(_ outcome: ResultOutcome) {
        switch outcome {
        case .finished: self = .finished
        case .retired: self = .retired
        case .walkover: self = .walkover
        case .cancelled: self = .cancelled
        }
    }
}

extension MatchResultSelection {
    init(_ winner: Components.Schemas.MatchWinner) {
        switch winner {
        case .home: self = .home
        case .away: self = .away
        case .draw: self = .draw
        }
    }
}

extension Components.Schemas.MatchWinner {
    init(_ winner: MatchResultSelection) {
        switch winner {
        case .home: self = .home
        case .away: self = .away
        case .draw: self = .draw
        }
    }
}

extension BetOutcome {
    init(_ grade: Components.Schemas.Grade) {
        switch grade {
        case .won: self = .won
        case .halfWon: self = .halfWon
        case .push: self = .push
        case .halfLost: self = .halfLost
        case .lost: self = .lost
        case .void: self = .void
        }
    }
}

extension Components.Schemas.Grade {
    init(_ grade: BetOutcome) {
        switch grade {
        case .won: self = .won
        case .halfWon: self = .halfWon
        case .push: self = .push
        case .halfLost: self = .halfLost
        case .lost: self = .lost
        case .void: self = .void
        }
    }
}
