import MonPSCore

// How the maths core's typed errors look to an API caller: the request was well-formed, its numbers were not
// (`APIError.unprocessable`, 422).

extension DevigError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .tooFewOutcomes(let count): .unprocessable("a market needs at least 2 outcomes, got \(count)", field: "odds")
        case .invalidOdds(let index): .unprocessable("odds[\(index)] must be finite decimal odds > 1", field: "odds")
        case .negativeMargin(let margin):
            .unprocessable(
                "the prices imply a negative margin (\(margin)): an arbitrage book; pass negative_margin=fallback_to_multiplicative to normalise it",
                field: "odds")
        case .nonPositiveProbability(let index, let method):
            .unprocessable("the \(method.rawValue) method gives outcome \(index) a probability ≤ 0; use another method", field: "method")
        }
    }
}

extension KellyError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidProbability(let index): .unprocessable("bets[\(index)].probability must be in (0, 1)", field: "bets")
        case .invalidOdds(let index): .unprocessable("bets[\(index)].odds must be finite decimal odds > 1", field: "bets")
        case .invalidMultiplier: .unprocessable("multiplier must be in (0, 1]", field: "multiplier")
        case .invalidCap: .unprocessable("cap must be in (0, 1]", field: "cap")
        case .countMismatch: .unprocessable("every bet needs odds and a probability", field: "bets")
        case .probabilitiesExceedOne: .unprocessable("mutually exclusive outcomes cannot have probabilities summing above 1", field: "bets")
        case .invalidBankroll: .unprocessable("bankroll must be ≥ 0 minor units", field: "bankroll")
        case .invalidStakeUnit: .unprocessable("stake_unit must be ≥ 1", field: "stake_unit")
        case .invalidFraction: .unprocessable("the stake fraction must be in [0, 1]")
        }
    }
}

extension ValueError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidOdds: .unprocessable("odds must be finite decimal odds > 1", field: "odds")
        case .invalidProbability: .unprocessable("probability must be in (0, 1)", field: "probability")
        case .selectionOutOfRange: .unprocessable("selection is not an index of sharp_odds", field: "selection")
        case .devig(let error): error.apiError
        }
    }
}

extension CLVError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidBetOdds: .unprocessable("bet_odds must be finite decimal odds > 1", field: "bet_odds")
        case .invalidClosingOdds: .unprocessable("fair_closing_odds must be finite decimal odds > 1", field: "fair_closing_odds")
        case .selectionOutOfRange: .unprocessable("selection is not an index of closing_odds", field: "selection")
        case .devig(let error): error.apiError
        }
    }
}

extension SettlementError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .invalidStake: .unprocessable("stake must be > 0 minor units", field: "stake")
        case .invalidOdds: .unprocessable("odds must be finite decimal odds > 1", field: "odds")
        case .invalidLine(let line): .unprocessable("line \(line) is not a multiple of 0.25", field: "market.line")
        case .invalidScore: .unprocessable("scores must be ≥ 0", field: "event")
        case .marketNotApplicable: .unprocessable("this market cannot be settled against this event")
        case .overflow: .unprocessable("the payout does not fit in 64-bit minor units")
        }
    }
}

/// A one-line message for the command line: a problem's detail, or the error's own description.
public enum CommandLineError {
    public static func describe(_ error: any Error) -> String {
        let mapped = ProblemMapper.map(error)
        return mapped.isServerFault ? String(describing: error) : (mapped.error.detail ?? mapped.error.title)
    }
}
