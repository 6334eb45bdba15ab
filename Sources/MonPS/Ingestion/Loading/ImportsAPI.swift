import Foundation
import MonPSAPI
import MonPSCore
import OpenAPIRuntime

/// `POST /v1/admin/imports`: the admin upload doing what `monps import` does, for one file.
extension APIHandler {
    func adminImportFile(_ input: Operations.AdminImportFile.Input) async throws -> Operations.AdminImportFile.Output {
        let principal = try RequestScope.requirePrincipal()
        let body: HTTPBody
        switch input.body {
        case .csv(let csv): body = csv
        case .binary(let bytes): body = bytes
        }
        // The body limit middleware has already refused anything larger than the configured maximum.
        let bytes = try await [UInt8](collecting: body, upTo: Int.max)
        guard !bytes.isEmpty else { throw APIError.badRequest("the request body (the file) is empty") }
        let query = input.query
        let source = ImportSource(try query.format.bridged(MonPSCommands.ImportFormat.self))
        let sport: SBRParser.Sport? = try query.sport?.bridged()
        // A rule across parameters (the contract cannot state it in a schema): a well-formed request it refuses is a 422.
        if source == .sbr, sport == nil {
            throw APIError.validation(field: "sport", message: "is required for SBR archives (nhl, mlb, nba)")
        }
        let file = ImportFile(source: source, name: query.fileName, bytes: bytes, sbrSport: sport)
        let report = try await imports.importFile(
            file, strict: query.strict ?? false, actor: principal.userID, context: .current)
        return .ok(.init(body: .json(.init(
            importId: report.load.importRunID ?? 0, fileName: report.file, rowsRead: report.rowsRead,
            eventsCreated: report.load.eventsCreated, eventsMatched: report.load.eventsMatched,
            snapshotsAdded: report.load.snapshotsAdded, snapshotsKnown: report.load.snapshotsKnown,
            resultsStored: report.load.resultsStored, rowsSkipped: report.rowsSkipped,
            issues: try report.issues.prefix(1000).map { issue in
                .init(line: issue.line, reason: issue.reason, effect: try issue.effect.bridged())
            }))))
    }
}
