import Foundation

/// An admin's upload of one historical file: imported as `monps import` would, recorded in the audit log, then
/// followed up (`LoadFollowUp`).
struct ImportService: Sendable {
    let importer: HistoricalImporter
    let audit: AuditLog
    let followUp: LoadFollowUp

    func importFile(_ file: ImportFile, strict: Bool, actor: UUID, context: AuditContext) async throws -> FileImportReport {
        guard let report = try await importer.run([file], strict: strict, requestedBy: actor).first else {
            throw StorageInvariantError.noRowReturned
        }
        try await audit.record(
            AuditAction("import.file"), actor: actor, targetType: "import", targetID: report.load.importRunID.map(String.init),
            context: context,
            details: ["file": .string(String(file.name.prefix(255))), "format": .string(file.source.rawValue),
                      "snapshots_added": .int(report.load.snapshotsAdded)])
        await followUp.after(report.load)
        return report
    }
}
