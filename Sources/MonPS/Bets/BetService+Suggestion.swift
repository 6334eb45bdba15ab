import Foundation
import MonPSCore

extension BetService {
    /// A stake-suggestion request: a price and fair probability given, or found for an event.
    struct SuggestionRequest: Sendable {
        var bankrollID: UUID?
        var odds: Double?
        var probability: Double?
        var eventID: Int64?
        var market: BetMarketKind?
        var selection: BetSelection?
        var point: Double?
        var bookmaker: String?
    }

    struct Suggestion: Sendable {
        var bankroll: BankrollRecord
        var odds: Double
        var probability: Double
        /// Set when the probability came from de-vigging the sharp bookmaker's prices.
        var devigMethod: DevigMethod?
        var sharpBookmaker: String?
        var kellyMultiplier: Double
        var sizing: StakeSizing<BetSelection>
    }

    /// Resolves the price (given, or the bookmaker's latest), the fair probability (given, or the sharp bookmaker's
    /// latest market de-vigged with the user's method), the bankroll and the user's pending bets on the event, then
    /// sizes the stake with `StakeSizer`. Writes nothing.
    func suggest(_ request: SuggestionRequest, userID: UUID) async throws -> Suggestion {
        let preferences = try await settings.get(userID: userID)
        let bankrollID = try Self.bankroll(request.bankrollID, settings: preferences)
        guard let bankroll = try await bankrolls.get(id: bankrollID, owner: userID) else {
            throw BettingError.bankrollNotFound
        }
        var odds = try request.odds.map(Self.odds)
        var probability = request.probability
        var line: BetLine?
        var openLegs: [OpenBetLeg] = []
        var fair: [BetSelection: Double] = [:]

        if let eventID = request.eventID {
            guard let market = request.market else { throw BettingError.validation(field: "market", message: "is required with event_id") }
            guard let selection = request.selection else {
                throw BettingError.validation(field: "selection", message: "is required with event_id")
            }
            let event = try await existingEvent(eventID)
            let hasDraw = try await sports.get(key: event.sportKey)?.hasDraw ?? false
            let resolved = try BetLine(market: market, selection: selection, point: request.point, hasDraw: hasDraw)
            line = resolved
            if odds == nil || probability == nil {
                guard let outcomes = resolved.pricedMarket(hasDraw: hasDraw), let priced = resolved.pricedMarketType else {
                    throw BettingError.noPrice(
                        field: "market", message: "\(market.rawValue) is not priced by MonPS; give odds and probability")
                }
                let prices = try await events.prices(eventID: eventID, market: priced).latest
                if odds == nil {
                    guard let key = request.bookmaker else {
                        throw BettingError.validation(field: "bookmaker", message: "is required when odds are not given")
                    }
                    let bookmaker = try Self.bookmaker(key)
                    guard let price = Self.price(in: prices, bookmaker: bookmaker, line: resolved, outcome: selection) else {
                        throw BettingError.noPrice(
                            field: "bookmaker", message: "\(bookmaker) has no current price for \(Self.describe(resolved))")
                    }
                    odds = price
                }
                fair = try Self.fairProbabilities(
                    prices, sharp: preferences.sharpBookmaker, line: resolved, outcomes: outcomes,
                    method: preferences.devigMethod)
            }
            if probability == nil {
                guard let value = fair[selection] else {
                    throw BettingError.noPrice(
                        field: "probability",
                        message: "\(preferences.sharpBookmaker) has no complete current market for \(Self.describe(resolved)); give probability")
                }
                probability = value
            }
            openLegs = try await repository.openLegs(owner: userID, eventID: eventID, bankrollID: bankrollID).map { leg in
                var leg = leg
                if resolved.isJoinable(with: leg.line), let value = fair[leg.line.selection] { leg.fairProbability = value }
                return leg
            }
        }
        guard let odds else { throw BettingError.validation(field: "odds", message: "is required without event_id") }
        guard let probability else {
            throw BettingError.validation(field: "probability", message: "is required without event_id")
        }
        let sizing = try BetStakeSizer.size(BetStakeInput(
            odds: odds, probability: probability, line: line, balance: bankroll.balance,
            kellyMultiplier: preferences.kellyFraction, maxStakeShare: preferences.maxStakeShare,
            minEdge: preferences.minEdge, openLegs: openLegs))
        let devigged = request.probability == nil
        return Suggestion(
            bankroll: bankroll, odds: odds, probability: probability,
            devigMethod: devigged ? preferences.devigMethod : nil,
            sharpBookmaker: devigged ? preferences.sharpBookmaker : nil, kellyMultiplier: preferences.kellyFraction,
            sizing: sizing)
    }

    /// The latest price of `bookmaker` for `outcome` on the line `line` fixes for it.
    static func price(in prices: [PriceRecord], bookmaker: String, line: BetLine, outcome: BetSelection) -> Double? {
        let point = line.point(of: outcome)
        return prices.first { $0.bookmaker == bookmaker && BetSelection($0.outcome) == outcome && $0.point == point }?.price
    }

    /// The sharp bookmaker's fair probabilities for every outcome of the line, or none when its market is incomplete.
    static func fairProbabilities(
        _ prices: [PriceRecord], sharp: String, line: BetLine, outcomes: [BetSelection], method: DevigMethod
    ) throws -> [BetSelection: Double] {
        let sharpOdds = outcomes.map { price(in: prices, bookmaker: sharp, line: line, outcome: $0) }
        guard sharpOdds.allSatisfy({ $0 != nil }) else { return [:] }
        do {
            let result = try ValueAnalysis.fairOdds(sharpOdds: sharpOdds.compactMap { $0 }, method: method)
            return Dictionary(uniqueKeysWithValues: zip(outcomes, result.probabilities))
        } catch {
            throw BettingError.noPrice(
                field: "probability", message: "\(sharp)'s current prices cannot be de-vigged (\(error)); give probability")
        }
    }

    static func describe(_ line: BetLine) -> String {
        "\(line.market.rawValue) \(line.selection.rawValue)" + (line.point.map { " \($0)" } ?? "")
    }
}
