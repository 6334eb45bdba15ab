import Foundation
import MonPSAPI
import MonPSCore

/// The calculator operations, shared by the HTTP API and `monps calc`: generated request in, core maths,
/// generated response out. Core errors propagate as typed errors that map to 422.
public enum Calculators {
    public static func devig(_ request: Components.Schemas.DevigRequest) throws -> Components.Schemas.DevigResponse {
        let method = DevigMethod(request.method ?? .multiplicative)
        let result = try Devig.devig(request.odds, method: method, negativeMargin: NegativeMarginPolicy(request.negativeMargin))
        return .init(
            requestedMethod: .init(result.requestedMethod), method: .init(result.method),
            probabilities: result.probabilities, fairOdds: result.fairOdds, margin: result.margin,
            parameter: result.parameter, iterations: result.iterations, usedFallback: result.usedFallback)
    }

    public static func expectedValue(
        _ request: Components.Schemas.ExpectedValueRequest
    ) throws -> Components.Schemas.ExpectedValueResponse {
        let fairProbability: Double
        switch (request.probability, request.sharpOdds) {
        case (let probability?, nil):
            fairProbability = probability
        case (nil, let sharpOdds?):
            guard let selection = request.selection else {
                throw CalculatorInputError("selection is required with sharp_odds", field: "selection")
            }
            fairProbability = try ValueAnalysis.assess(
                decimalOdds: request.odds, sharpOdds: sharpOdds, selection: selection,
                method: DevigMethod(request.method ?? .multiplicative)
            ).fairProbability
        default:
            throw CalculatorInputError("give exactly one of probability or sharp_odds", field: "probability")
        }
        let expectedValue = try ValueAnalysis.expectedValue(decimalOdds: request.odds, fairProbability: fairProbability)
        return .init(
            odds: request.odds, fairProbability: fairProbability, fairOdds: 1 / fairProbability,
            expectedValue: expectedValue, edge: expectedValue, isValue: expectedValue > 0)
    }

    public static func kelly(_ request: Components.Schemas.KellyRequest) throws -> Components.Schemas.KellyResponse {
        let multiplier = request.multiplier ?? 1
        let cap = request.cap ?? 1
        let fractions: [Double]
        let full: [Double]
        var reserveRate: Double?
        var capped = false
        if request.bets.count == 1, let bet = request.bets.first {
            let fullFraction = try Kelly.fullFraction(probability: bet.probability, decimalOdds: bet.odds)
            let fraction = try Kelly.fraction(probability: bet.probability, decimalOdds: bet.odds, multiplier: multiplier, cap: cap)
            fractions = [fraction]
            full = [fullFraction]
            capped = multiplier * fullFraction > cap
        } else {
            let allocation = try Kelly.simultaneous(
                probabilities: request.bets.map(\.probability), decimalOdds: request.bets.map(\.odds),
                multiplier: multiplier, cap: cap)
            fractions = allocation.fractions
            full = allocation.fullKellyFractions
            reserveRate = allocation.reserveRate
            capped = allocation.capped
        }
        var stakes: [Int64]?
        if let bankroll = request.bankroll {
            stakes = try Kelly.stakes(fractions: fractions, bankroll: bankroll, stakeUnit: request.stakeUnit ?? 1)
        }
        return .init(
            fractions: fractions, fullKellyFractions: full, totalFraction: fractions.reduce(0, +),
            reserveRate: reserveRate, capped: capped, stakes: stakes)
    }

    public static func closingLineValue(
        _ request: Components.Schemas.ClosingLineValueRequest
    ) throws -> Components.Schemas.ClosingLineValueResponse {
        let clv: ClosingLineValue
        switch (request.fairClosingOdds, request.closingOdds) {
        case (let fair?, nil):
            clv = try ClosingLineValue(betOdds: request.betOdds, fairClosingOdds: fair)
        case (nil, let closing?):
            guard let selection = request.selection else {
                throw CalculatorInputError("selection is required with closing_odds", field: "selection")
            }
            clv = try ClosingLineValue(
                betOdds: request.betOdds, closingOdds: closing, selection: selection,
                method: DevigMethod(request.method ?? .multiplicative))
        default:
            throw CalculatorInputError("give exactly one of fair_closing_odds or closing_odds", field: "fair_closing_odds")
        }
        return .init(
            betOdds: clv.betOdds, fairClosingOdds: clv.fairClosingOdds, fairClosingProbability: clv.fairClosingProbability,
            clv: clv.oddsBased, clvProbability: clv.probabilityBased, beatClose: clv.beatClose)
    }

    public static func settle(_ request: Components.Schemas.SettleRequest, now: Date) throws -> Components.Schemas.SettleResponse {
        let slip = BetSlip(stake: request.stake, decimalOdds: request.odds, market: try SettleRequestMapping.market(request.market))
        let status = try SettleRequestMapping.status(request.event)
        let rules = SettlementRules(
            voidDelaySeconds: request.voidDelaySeconds ?? 172_800,
            tennisRetirement: try request.tennisRetirement?.bridged(TennisRetirementPolicy.self) ?? .voidUnlessCompleted)
        let at = Int64((request.now ?? now).timeIntervalSince1970)
        switch try Settler.settle(slip, status: status, rules: rules, now: at) {
        case .settled(let result):
            return .init(
                status: .settled, outcome: .init(result.outcome), stake: result.stake,
                payout: result.payout, profit: result.profit)
        case .pending(.eventNotFinished):
            return .init(status: .pending, pendingReason: .eventNotFinished)
        case .pending(.awaitingVoidDelay(let voidAt)):
            return .init(
                status: .pending, pendingReason: .awaitingVoidDelay,
                voidAt: Date(timeIntervalSince1970: TimeInterval(voidAt)))
        }
    }
}

// Exhaustive both ways: a method added to the spec or the core is a compile error here, not a crash.
extension DevigMethod {
    init(_ method: Components.Schemas.DevigMethod) {
        switch method {
        case .multiplicative: self = .multiplicative
        case .additive: self = .additive
        case .power: self = .power
        case .shin: self = .shin
        case .oddsRatio: self = .oddsRatio
        case .marginWeights: self = .marginWeights
        }
    }
}

extension Components.Schemas.DevigMethod {
    init(_ method: DevigMethod) {
        switch method {
        case .multiplicative: self = .multiplicative
        case .additive: self = .additive
        case .power: self = .power
        case .shin: self = .shin
        case .oddsRatio: self = .oddsRatio
        case .marginWeights: self = .marginWeights
        }
    }
}

extension NegativeMarginPolicy {
    init(_ policy: Components.Schemas.NegativeMarginPolicy?) {
        self = policy.flatMap { NegativeMarginPolicy(rawValue: $0.rawValue) } ?? .reject
    }
}
