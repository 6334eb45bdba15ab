import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `backtests` tag.
extension APIHandler {
    func createBacktest(_ input: Operations.CreateBacktest.Input) async throws -> Operations.CreateBacktest.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let parameters = try Self.backtestParameters(body)
        let record = try await backtests.submit(parameters, user: principal.userID)
        return .accepted(.init(body: .json(try .init(record, bets: nil))))
    }

    func getBacktest(_ input: Operations.GetBacktest.Input) async throws -> Operations.GetBacktest.Output {
        let principal = try RequestScope.requirePrincipal()
        let record = try await backtests.get(input.path.id, viewer: principal.userID, isAdmin: principal.has(.admin))
        // The contract bounds both (bets_offset ≥ 0, bets_limit 0–5000); the validation boundary has checked them.
        let bets = try await backtests.bets(
            of: record, offset: input.query.betsOffset ?? 0, limit: input.query.betsLimit ?? 1_000)
        return .ok(.init(body: .json(try .init(record, bets: bets))))
    }

    func listBacktests(_ input: Operations.ListBacktests.Input) async throws -> Operations.ListBacktests.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let after = try page.after.map { values -> (createdAt: Date, id: UUID) in
            guard values.count == 2, let micros = Int64(values[0]), let id = UUID(uuidString: values[1]) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000), id)
        }
        let fetched = try await backtests.list(user: principal.userID, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) {
            [String(Int64(($0.createdAt.timeIntervalSince1970 * 1_000_000).rounded())), $0.id.uuidString]
        }
        return .ok(.init(body: .json(.init(data: try items.map { try .init($0, bets: nil) }, nextCursor: .init(next)))))
    }

    static func backtestParameters(_ body: Components.Schemas.BacktestRequest) throws -> BacktestParameters {
        let stakingText = body.staking ?? "flat:100"
        guard let staking = try? StakingPlan(parsing: stakingText) else {
            throw APIError.invalidParameter(
                "staking", "use flat:<minor units>, kelly:<fraction> or kelly:<fraction>:<cap> (e.g. flat:100, kelly:0.5)")
        }
        // The contract bounds the bankroll (1–10¹²) and the seed (≥ 0) and gives the sport's and the staking plan's
        // patterns; the validation boundary has checked them. A flat stake above the bankroll is not an error: the
        // backtest places no bet it cannot afford, as in any other run that runs out of money.
        let bankroll = body.bankroll ?? 100_000
        return BacktestParameters(
            strategy: body.strategy.rawValue, sport: body.sport, from: body.from, until: body.to, staking: staking,
            bankroll: bankroll, seed: body.seed.map(UInt64.init) ?? BacktestParameters.defaultSeed)
    }
}

extension Components.Schemas.Backtest {
    init(_ record: BacktestRecord, bets: [StoredBacktestBet]?) throws {
        let p = record.parameters
        self.init(
            id: record.id.uuidString.lowercased(), status: try record.status.bridged(),
            strategy: p.strategy, sport: p.sport, from: p.from, to: p.until, staking: p.staking.description,
            bankroll: p.bankroll, seed: Int64(bitPattern: p.seed), attempts: record.attempts, error: record.error,
            createdAt: record.createdAt, startedAt: record.startedAt, finishedAt: record.finishedAt,
            summary: record.summary.map(Components.Schemas.BacktestFigures.init),
            equityCurve: bets == nil ? nil : record.equity.map { .init(at: $0.at, bankroll: $0.bankroll) },
            betsTotal: record.betCount, bets: try bets?.map(Components.Schemas.BacktestBet.init))
    }
}

extension Components.Schemas.BacktestFigures {
    init(_ summary: BacktestSummary) {
        let f = summary.figures, d = summary.data
        self.init(
            events: d.events, eventsWithoutPrices: d.eventsWithoutPrices, markets: d.markets,
            marketsWithCandidates: d.marketsWithCandidates, skippedForStake: d.skippedForStake, bets: f.bets,
            voidBets: f.voidBets, hitRate: f.hitRate, averageOdds: f.averageOdds, staked: f.stakedMinor, profit: f.profitMinor,
            _yield: f.yield, roi: f.roi, sharpe: f.sharpe, maxDrawdown: f.maxDrawdownMinor,
            maxDrawdownPercent: f.maxDrawdownPercent, averageClv: f.averageClosingLineValue, clvBets: f.clvBets,
            beatCloseShare: f.beatCloseShare, pValue: f.pValue, pValueTest: f.pValueTest,
            finalBankroll: f.finalBankrollMinor,
            byMarket: summary.byMarket.map {
                .init(market: $0.market, bets: $0.bets, hitRate: $0.hitRate, staked: $0.stakedMinor, profit: $0.profitMinor,
                      _yield: $0.yield)
            })
    }
}

extension Components.Schemas.BacktestBet {
    init(_ stored: StoredBacktestBet) throws {
        let bet = stored.bet
        self.init(
            eventId: stored.eventID, sport: stored.sport, market: bet.market.type.rawValue, point: bet.market.line,
            outcome: bet.outcome, bookmaker: bet.bookmaker, odds: bet.decimalOdds, fairProbability: bet.fairProbability,
            edge: bet.edge, placedAt: bet.placedAt, settledAt: bet.settledAt, stake: bet.stake, payout: bet.payout,
            grade: .init(bet.grade), clv: bet.clv, agents: bet.agents.map(\.rawValue))
    }
}
