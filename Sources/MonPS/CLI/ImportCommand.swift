import Foundation
import Logging
import MonPSCore

/// `monps import …`: historical files into the database.
extension MonPSCommands {
    public enum ImportFormat: String, Sendable, CaseIterable {
        case footballData = "football-data"
        case tennisData = "tennis-data"
        case sbr
        case csv
    }

    /// Parses `paths` (files, or folders whose `.csv` files are taken in name order), refuses everything in
    /// `strict` mode when a row is bad, else loads each file in its own transaction. `progress` receives one
    /// line per step (the executable draws it as a bar on a terminal). Returns the summary to print.
    public static func importFiles(
        config: AppConfig, logger: Logger, format: ImportFormat, paths: [String], sbrSport: String?, strict: Bool,
        progress: @escaping @Sendable (_ done: Int, _ total: Int, _ label: String) -> Void
    ) async throws -> String {
        let files = try ImportFileReader.read(paths: paths, format: format, sbrSport: sbrSport)
        let resources = try CommandResources(config: config, logger: logger, responseCache: true)
        let importer = HistoricalImporter(loader: OddsLoader(database: resources.database, logger: logger))
        let detector = OpportunityDetector(database: resources.database, logger: logger, settings: config.detection)
        let (reports, detected) = try await resources.run {
            let reports = try await importer.run(files, strict: strict) { step in
                switch step {
                case .parsed(let file, let index, let total): progress(index, total * 2, "parsed \(file)")
                case .loaded(let file, let index, let total, _): progress(total + index, total * 2, "loaded \(file)")
                }
            }
            // Files of current data (upcoming events) are examined at once, as collected odds are.
            let touched = reports.flatMap(\.load.eventIDs)
            let detected =
                reports.contains { $0.load.snapshotsAdded > 0 }
                ? try await detector.detect(eventIDs: touched, now: Date(), refreshing: resources.responseCache) : nil
            return (reports, detected)
        }
        var text = ImportSummaryText.render(reports)
        if let detected, detected.events > 0 {
            text += "\nopportunities: \(detected.active) active on \(detected.events) upcoming event(s)"
        }
        return text
    }
}

extension MonPSCommands {
    /// `monps import … --check`: parses the files as an import would (same parsers, same issues) without a database
    /// and writes nothing. Returns one line per file (rows, events, prices, skipped rows) and the issues.
    public static func checkImportFiles(format: ImportFormat, paths: [String], sbrSport: String?) throws -> String {
        let files = try ImportFileReader.read(paths: paths, format: format, sbrSport: sbrSport)
        var lines = ["file                                      rows  events  prices  skipped"]
        var issues: [String] = []
        for file in files {
            let parsed = try HistoricalImporter.parse(file)
            let skipped = parsed.issues.filter { $0.effect == .rowSkipped }.count
            let prices = parsed.events.reduce(0) { $0 + $1.snapshots.count }
            lines.append(
                ImportSummaryText.label(file.name) + ImportSummaryText.pad(parsed.rowCount, 6)
                    + ImportSummaryText.pad(parsed.events.count, 8) + ImportSummaryText.pad(prices, 8)
                    + ImportSummaryText.pad(skipped, 9))
            issues += parsed.issues.map { "  \(file.name): \($0)" }
        }
        lines += ImportSummaryText.issueLines(issues, more: "")
        return lines.joined(separator: "\n")
    }
}

extension ImportSource {
    init(_ format: MonPSCommands.ImportFormat) {
        switch format {
        case .footballData: self = .footballData
        case .tennisData: self = .tennisData
        case .sbr: self = .sbr
        case .csv: self = .genericCSV
        }
    }
}

/// Reads import files from disk with clear errors (missing, unreadable, too big, empty folder).
enum ImportFileReader {
    static let maxFileBytes = 256 << 20

    /// The files of a CLI import; SBR archives need `--sport`.
    static func read(paths: [String], format: MonPSCommands.ImportFormat, sbrSport: String?) throws -> [ImportFile] {
        var sport: SBRParser.Sport?
        if format == .sbr {
            guard let name = sbrSport, let parsed = SBRParser.Sport(rawValue: name.lowercased()) else {
                throw ImportError.invalidInput("--sport must be one of nhl, mlb, nba for SBR archives")
            }
            sport = parsed
        }
        return try read(paths: paths, source: ImportSource(format), sbrSport: sport)
    }

    static func read(paths: [String], source: ImportSource, sbrSport: SBRParser.Sport?) throws -> [ImportFile] {
        guard !paths.isEmpty else { throw ImportError.invalidInput("no files given") }
        var files: [ImportFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError.invalidInput("\(path): no such file or folder")
            }
            let members: [String]
            if isDirectory.boolValue {
                let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
                members = names.filter { name in [".csv", ".xlsx"].contains { name.lowercased().hasSuffix($0) } }
                    .sorted().map { "\(path)/\($0)" }
                guard !members.isEmpty else { throw ImportError.invalidInput("\(path): no .csv or .xlsx files in this folder") }
            } else {
                members = [path]
            }
            for member in members {
                let size = (try? manager.attributesOfItem(atPath: member)[.size] as? Int) ?? 0
                guard size <= maxFileBytes else {
                    throw ImportError.invalidInput("\(member): larger than \(maxFileBytes >> 20) MiB")
                }
                guard let data = manager.contents(atPath: member) else {
                    throw ImportError.invalidInput("\(member): cannot be read")
                }
                let name = (member as NSString).lastPathComponent
                files.append(ImportFile(source: source, name: name, bytes: [UInt8](data), sbrSport: sbrSport))
            }
        }
        return files
    }
}

/// The table printed after an import.
enum ImportSummaryText {
    static func render(_ reports: [FileImportReport]) -> String {
        var lines = ["file                                      rows  events  created  matched  snapshots  known  results  skipped"]
        var total = LoadSummary()
        var rows = 0
        var skipped = 0
        for report in reports {
            let load = report.load
            total = total + load
            rows += report.rowsRead
            skipped += report.rowsSkipped
            lines.append(line(
                report.file, report.rowsRead, report.parsedEvents - load.rejected.filter { $0.effect == .rowSkipped }.count,
                load, report.rowsSkipped))
        }
        if reports.count > 1 {
            lines.append(line("total", rows, total.eventsCreated + total.eventsMatched, total, skipped))
        }
        let issues = reports.flatMap { report in report.issues.map { "  \(report.file): \($0)" } }
        lines += issueLines(issues, more: " (see import_runs.issues)")
        return lines.joined(separator: "\n")
    }

    /// The first 200 issues under a count, and how many more there are.
    static func issueLines(_ issues: [String], more: String) -> [String] {
        guard !issues.isEmpty else { return [] }
        var lines = ["", "\(issues.count) issue(s):"] + issues.prefix(200)
        if issues.count > 200 { lines.append("  … and \(issues.count - 200) more\(more)") }
        return lines
    }

    /// A file name in a 40-character column.
    static func label(_ name: String) -> String {
        name.count > 40 ? String(name.prefix(39)) + "…" : name.padding(toLength: 40, withPad: " ", startingAt: 0)
    }

    /// A number right-aligned in `width` characters.
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func line(_ name: String, _ rows: Int, _ events: Int, _ load: LoadSummary, _ skipped: Int) -> String {
        label(name) + pad(rows, 6) + pad(events, 8) + pad(load.eventsCreated, 9) + pad(load.eventsMatched, 9)
            + pad(load.snapshotsAdded, 11) + pad(load.snapshotsKnown, 7) + pad(load.resultsStored, 9) + pad(skipped, 9)
    }
}
