import Foundation
import MonPSAPI
import OpenAPIRuntime

/// The exports: the response body is the database cursor itself (see `ExportStream`), never a collected array.
extension APIHandler {
    func exportBets(_ input: Operations.ExportBets.Input) async throws -> Operations.ExportBets.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range?.rawValue, from: q.from, to: q.to)
        let filter = try await analytics.service.resolve(query, owner: principal.userID)
        let format = ExportStream.Format(rawValue: q.format?.rawValue ?? "csv") ?? .csv
        let stream = try await analytics.exporters.bets(owner: principal.userID, filter: filter, format: format)
        let body = HTTPBody(stream, length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }

    func exportBankrollTransactions(
        _ input: Operations.ExportBankrollTransactions.Input
    ) async throws -> Operations.ExportBankrollTransactions.Output {
        let principal = try RequestScope.requirePrincipal()
        let id = try UUID.parameter(input.path.id)
        let q = input.query
        guard try await analytics.service.repository.ownsBankroll(id, owner: principal.userID) else { throw AnalyticsError.bankrollNotFound }
        let format = ExportStream.Format(rawValue: q.format?.rawValue ?? "csv") ?? .csv
        let stream = try await analytics.exporters.ledger(bankrollID: id, owner: principal.userID, from: q.from, to: q.to, format: format)
        let body = HTTPBody(stream, length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }
}
