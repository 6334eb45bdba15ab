import Foundation
import MonPSAPI
import MonPSCore

/// Settling or correcting a bet by hand (`ManualSettlement` does the work).
extension APIHandler {
    func settleBet(_ input: Operations.SettleBet.Input) async throws -> Operations.SettleBet.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let id = try UUID.parameter(input.path.id)
        let outcome = BetOutcome(body.status)
        let owner = try await manualSettlement.settle(id, as: outcome, note: body.note, actor: principal, context: .current)
        let bet = try await bets.get(id: id, userID: owner)
        return .ok(.init(body: .json(try .init(bet))))
    }
}
