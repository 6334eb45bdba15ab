import Foundation
import MonPSAPI
import OpenAPIRuntime

/// The exports: the response body is the database cursor itself (see `ExportStream`), never a collected array.
/// `format=json` hands its body to `ExportBodyMiddleware` (the generator cannot stream `application/json`).
extension APIHandler {
    func exportBets(_ input: Operations.ExportBets.Input) async throws -> Operations.ExportBets.Output {
        let principal = try RequestScope.requirePrincipal()
        let q = input.query
        let query = try Self.analyticsQuery(
            sport: q.sport, competition: q.competition, bookmaker: q.bookmaker, bankrollID: q.bankrollId,
            market: q.market?.rawValue, source: q.source?.rawValue, agent: q.agent, status: q.status?.rawValue,
            currency: q.currency, range: q.range, from: q.from, to: q.to)
        let filter = try await analytics.service.resolve(query, owner: principal.userID)
        let format: ExportFormat = try q.format?.bridged() ?? .csv
        let stream = try await analytics.exporters.bets(owner: principal.userID, filter: filter, format: format)
        let headers = Operations.ExportBets.Output.Ok.Headers(
            contentDisposition: Self.attachment("bets", format: format, on: analytics.now()))
        switch format {
        case .csv: return .ok(.init(headers: headers, body: .csv(Self.body(stream))))
        case .ndjson: return .ok(.init(headers: headers, body: .applicationXNdjson(Self.body(stream))))
        case .json:
            try ExportOutlet.deliver(stream)
            return .ok(.init(headers: headers, body: .json([])))
        }
    }

    func exportBankrollTransactions(
        _ input: Operations.ExportBankrollTransactions.Input
    ) async throws -> Operations.ExportBankrollTransactions.Output {
        let principal = try RequestScope.requirePrincipal()
        let id = try UUID.parameter(input.path.id)
        let q = input.query
        try await analytics.service.requireBankroll(id, owner: principal.userID)
        let format: ExportFormat = try q.format?.bridged() ?? .csv
        let stream = try await analytics.exporters.ledger(bankrollID: id, owner: principal.userID, from: q.from, to: q.to, format: format)
        let headers = Operations.ExportBankrollTransactions.Output.Ok.Headers(
            contentDisposition: Self.attachment("transactions", format: format, on: analytics.now()))
        switch format {
        case .csv: return .ok(.init(headers: headers, body: .csv(Self.body(stream))))
        case .ndjson: return .ok(.init(headers: headers, body: .applicationXNdjson(Self.body(stream))))
        case .json:
            try ExportOutlet.deliver(stream)
            return .ok(.init(headers: headers, body: .json([])))
        }
    }

    private static func body(_ stream: ExportStream) -> HTTPBody {
        HTTPBody(stream.arraySlices, length: .unknown, iterationBehavior: .single)
    }

    /// `attachment; filename="monps-<what>-YYYYMMDD.<format>"`, dated in UTC.
    static func attachment(_ what: String, format: ExportFormat, on date: Date) -> String {
        let day = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let stamp = String(format: "%04d%02d%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
        return "attachment; filename=\"monps-\(what)-\(stamp).\(format.fileExtension)\""
    }
}
