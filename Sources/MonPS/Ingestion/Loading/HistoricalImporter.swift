import Foundation
import Logging
import MonPSCore

/// A historical file to import: its format, name and bytes.
struct ImportFile: Sendable {
    var source: ImportSource
    var name: String
    var bytes: [UInt8]
    /// SBR only: which sport the archive holds.
    var sbrSport: SBRParser.Sport?
}

/// The outcome of importing one file.
struct FileImportReport: Sendable {
    var file: String
    var source: ImportSource
    var rowsRead: Int
    var parsedEvents: Int
    var load: LoadSummary
    /// Parser issues plus loader rejections, in line order.
    var issues: [ImportIssue]

    var rowsSkipped: Int { issues.filter { $0.effect == .rowSkipped }.count }
}

/// Problems that stop an import before anything is written.
enum ImportError: Error, Equatable, CustomStringConvertible {
    /// A file that can't be read as its format at all.
    case unreadable(file: String, reason: String)
    /// `--strict` and some rows are bad: nothing was imported.
    case strictRefused(issues: [String])
    case missingSBRSport
    /// Bad paths or arguments (CLI).
    case invalidInput(String)

    var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .strictRefused(let issues):
            "strict mode: nothing imported because of \(issues.count) bad row(s):\n" + issues.prefix(50).joined(separator: "\n")
                + (issues.count > 50 ? "\n… and \(issues.count - 50) more" : "")
        case .missingSBRSport: "SBR archives need a sport (nhl, mlb or nba)"
        case .invalidInput(let message): message
        }
    }
}

/// Imports historical files: parse every file first (a broken file stops everything before any write),
/// refuse all in strict mode if any row is bad, then load file by file, each in its own transaction.
struct HistoricalImporter: Sendable {
    let loader: OddsLoader

    enum Progress: Sendable {
        case parsed(file: String, index: Int, of: Int)
        case loaded(file: String, index: Int, of: Int, report: FileImportReport)
    }

    /// Parses one file with its format's parser (no database: `monps import --check` and backtests use it too).
    static func parse(_ file: ImportFile) throws -> ParsedFile {
        do {
            switch file.source {
            case .footballData: return try FootballDataParser().parse(file.bytes, fileName: file.name)
            case .tennisData: return try TennisDataParser().parse(file.bytes, fileName: file.name)
            case .genericCSV: return try GenericCSVParser().parse(file.bytes, fileName: file.name)
            case .sbr:
                guard let sport = file.sbrSport else { throw ImportError.missingSBRSport }
                return try SBRParser(sport: sport).parse(file.bytes, fileName: file.name)
            }
        } catch let error as ImportFileError {
            throw ImportError.unreadable(file: file.name, reason: error.message)
        }
    }

    func run(
        _ files: [ImportFile], strict: Bool, requestedBy: UUID? = nil,
        progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> [FileImportReport] {
        let parsed = try await parseAll(files, progress: progress)
        let sports = try await loader.sportGroups()
        if strict {
            var problems = parsed.flatMap { file, result in
                result.issues.filter { $0.effect != .warning }.map { "\(file.name): \($0)" }
            }
            for (file, result) in parsed {
                for event in result.events {
                    if let reason = LoadValidation.rejection(of: event, knownSports: sports) {
                        problems.append("\(file.name): line \(event.sourceLine): \(reason)")
                    } else if let bad = event.snapshots.lazy.compactMap({ LoadValidation.rejection(of: $0, startsAt: event.startsAt) }).first {
                        problems.append("\(file.name): line \(event.sourceLine): \(bad)")
                    }
                }
            }
            if !problems.isEmpty { throw ImportError.strictRefused(issues: problems) }
        }
        // The next file is prepared (validated, its prices planned and encoded) while the current one loads: the
        // client's CPU work overlaps PostgreSQL's instead of adding to it. Each file is still its own transaction.
        func prepare(_ index: Int) -> Task<(OddsLoader.PreparedBatch, String), Never> {
            let (file, result) = parsed[index]
            return Task { [loader] in (loader.prepare(result.events, knownSports: sports), Self.sha256Hex(file.bytes)) }
        }
        var next = parsed.isEmpty ? nil : prepare(0)
        defer { next?.cancel() }
        // The partitions of every file, created on another connection while the loads run, one file after another:
        // their DDL (~3 ms of PostgreSQL time each) leaves the loads' critical path. A load waits for its file's turn
        // rather than making a missing month itself: inside its transaction that would hold the creators' lock until
        // its commit and stall this chain behind it. It still ensures its months (made, unless the chain failed).
        var previous: Task<Void, Never>?
        let partitions = parsed.map { _, result in
            let earlier = previous
            let task = Task { [loader] in
                await earlier?.value
                guard !Task.isCancelled else { return }
                do {
                    try await loader.ensurePartitions(containing: OddsLoader.partitionMonths(of: result.events, knownSports: sports))
                } catch {
                    loader.logger.debug("partitions not created ahead of the load: \(error)")
                }
            }
            previous = task
            return task
        }
        defer { partitions.forEach { $0.cancel() } }
        var reports: [FileImportReport] = []
        for (index, (file, result)) in parsed.enumerated() {
            guard let prepared = await next?.value else { break }
            let (batch, sha256) = prepared
            next = index + 1 < parsed.count ? prepare(index + 1) : nil
            await partitions[index].value
            let record = LoadOptions.ImportRecord(
                fileName: file.name, sha256: sha256, rowsRead: result.rowCount, issues: result.issues,
                requestedBy: requestedBy)
            let summary = try await loader.load(batch, source: .file(file.source), options: LoadOptions(importRecord: record))
            let report = FileImportReport(
                file: file.name, source: file.source, rowsRead: result.rowCount, parsedEvents: result.events.count,
                load: summary, issues: (result.issues + summary.rejected).sorted { $0.line < $1.line })
            reports.append(report)
            progress(.loaded(file: file.name, index: index + 1, of: parsed.count, report: report))
        }
        return reports
    }

    /// Parses every file, as many at a time as there are cores (parsing comes before the first write, so it is all
    /// on the import's critical path). A broken file stops the import with the error of the first one in file order.
    private func parseAll(
        _ files: [ImportFile], progress: @Sendable (Progress) -> Void
    ) async throws -> [(ImportFile, ParsedFile)] {
        let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count))
        var results = [Result<ParsedFile, any Error>?](repeating: nil, count: files.count)
        await withTaskGroup(of: (Int, Result<ParsedFile, any Error>).self) { group in
            var next = 0
            func startNext() {
                let index = next, file = files[index]
                group.addTask { (index, Result { try Self.parse(file) }) }
                next += 1
            }
            while next < width { startNext() }
            var done = 0
            while let (index, result) = await group.next() {
                results[index] = result
                done += 1
                progress(.parsed(file: files[index].name, index: done, of: files.count))
                if next < files.count { startNext() }
            }
        }
        return try zip(files, results).map { file, result in (file, try result!.get()) }
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.encode(CryptoPrimitives.sha256(bytes)) }
}
