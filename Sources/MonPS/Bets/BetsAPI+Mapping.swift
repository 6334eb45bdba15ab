import Foundation
import MonPSAPI

extension Components.Schemas.Bet {
    init(_ bet: BetRecord) throws {
        let market: Components.Schemas.BetMarket = try bet.line.market.bridged()
        let selection: Components.Schemas.BetSelection = try bet.line.selection.bridged()
        let status: Components.Schemas.BetStatus = try bet.status.bridged(), source: SourcePayload = try bet.source.bridged()
        self.init(
            id: bet.id.uuidString.lowercased(), bankrollId: bet.bankrollID.uuidString.lowercased(), eventId: bet.eventID,
            eventDescription: bet.eventDescription, sport: bet.sportKey, competition: bet.competition, market: market,
            selection: selection, point: bet.line.point, bookmaker: bet.bookmaker, odds: bet.odds, stake: bet.stake,
            potentialReturn: bet.potentialReturn, placedAt: bet.placedAt, status: status, settledAt: bet.settledAt,
            payout: bet.payout, profit: bet.profit, closingOdds: bet.closingOdds, sharpClosingOdds: bet.sharpClosingOdds,
            fairClosingOdds: bet.fairClosingOdds, clv: bet.clv, beatClose: bet.beatClose,
            opportunityId: bet.opportunityID?.uuidString.lowercased(), agent: bet.agent,
            edgeAtPlacement: bet.edgeAtPlacement, fairProbability: bet.fairProbability,
            suggestedKellyFraction: bet.suggestedKellyFraction, kellyFractionUsed: bet.kellyFractionUsed, tags: bet.tags,
            notes: bet.notes, source: source, isLive: bet.isLive, createdAt: bet.createdAt, updatedAt: bet.updatedAt,
            version: bet.version)
    }
}

extension Components.Schemas.StakeSuggestion {
    init(_ suggestion: BetService.Suggestion) throws {
        let sizing = suggestion.sizing
        let legs = try sizing.joint?.map { leg in
            Components.Schemas.JointAllocationLeg(
                selection: try leg.selection.bridged(), odds: leg.odds, probability: leg.probability, fraction: leg.fraction,
                targetStake: leg.targetStake, existingStake: leg.existingStake, isNew: leg.isNew)
        }
        let reasons = try sizing.reasons.map { reason in
            Components.Schemas.StakeSuggestionReason(code: try reason.code.bridged(), message: reason.message)
        }
        self.init(
            bankrollId: suggestion.bankroll.id.uuidString.lowercased(), currency: suggestion.bankroll.currency,
            balance: suggestion.bankroll.balance, odds: suggestion.odds, probability: suggestion.probability,
            // A zero probability has no fair price (1/0 is not JSON): the optional field is left out.
            fairOdds: (1 / suggestion.probability).isFinite ? 1 / suggestion.probability : nil,
            devigMethod: try suggestion.devigMethod?.bridged(),
            sharpBookmaker: suggestion.sharpBookmaker, edge: sizing.expectedValue, expectedValue: sizing.expectedValue,
            fullKellyFraction: sizing.fullKellyFraction, kellyMultiplier: suggestion.kellyMultiplier,
            fraction: sizing.fraction, stake: sizing.stake, expectedProfit: sizing.expectedProfit, wealth: sizing.wealth,
            joint: legs, reasons: reasons)
    }
}

extension Components.Schemas.BetsSummary {
    init(_ summary: BetService.Summary) {
        let report = summary.report
        self.init(
            from: summary.from, to: summary.to, currency: summary.currency, bets: summary.placed, settled: report.count,
            void: report.voidCount, pending: summary.pending, outcomes: .init(additionalProperties: report.outcomes),
            staked: report.staked, returned: report.returned, profit: report.profit, roi: report.roi,
            _yield: report.yield, hitRate: report.hitRate, averageOdds: report.averageOdds, averageClv: report.averageCLV,
            beatCloseShare: report.beatCloseShare, clvCount: report.clvCount, openExposure: summary.openExposure)
    }
}
