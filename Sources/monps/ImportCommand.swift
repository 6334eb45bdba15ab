import ArgumentParser
import Foundation
import MonPS

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import historical odds and results files (idempotent: re-importing adds nothing).",
        subcommands: [FootballData.self, TennisData.self, SBR.self, CSV.self])

    /// Flags every import format shares.
    struct Options: ParsableArguments {
        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Import nothing if any row of any file is bad.") var strict = false

        @Flag(help: "No progress bar.") var quiet = false

        @Flag(help: "Only parse and check the files (no database, nothing written): counts and issues.") var check = false

        @Argument(help: "Files (.csv or .xlsx), or folders whose .csv and .xlsx files are imported in name order.") var files: [String]

        func run(_ format: MonPSCommands.ImportFormat, sbrSport: String? = nil) async throws {
            if check {
                do {
                    print(try MonPSCommands.checkImportFiles(format: format, paths: files, sbrSport: sbrSport))
                } catch {
                    throw CLIFailure(CommandLineError.describe(error))
                }
                return
            }
            let (config, logger) = try connection.load(requiring: .database)
            let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
            do {
                let summary = try await MonPSCommands.importFiles(
                    config: config, logger: logger, format: format, paths: files, sbrSport: sbrSport, strict: strict,
                    progress: { done, total, label in bar.show(done: done, total: total, label: label) })
                bar.finish()
                print(summary)
            } catch {
                bar.finish()
                throw CLIFailure(CommandLineError.describe(error))
            }
        }
    }

    struct FootballData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "football-data", abstract: "football-data.co.uk match files (any layout).")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.footballData) }
    }

    struct TennisData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tennis-data", abstract: "tennis-data.co.uk files exported as text (both variants).")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.tennisData) }
    }

    struct SBR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sbr", abstract: "sportsbookreviewsonline.com archives (season taken from the file name).")
        @Option(help: "nhl, mlb or nba.") var sport: String
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.sbr, sbrSport: sport) }
    }

    struct CSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv", abstract: "The generic CSV format of docs/import-csv-format.md (any sport, esports included).")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.csv) }
    }
}

/// A one-line progress bar on standard error, redrawn in place; silent when not on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(done: Int, total: Int, label: String) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let text = "\r[\(bar)] \(done * 100 / total)% \(label.prefix(50))\u{1B}[K"
        lock.withLock {
            FileHandle.standardError.write(Data(text.utf8))
            drawn = true
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}
