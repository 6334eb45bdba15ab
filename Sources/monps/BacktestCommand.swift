import ArgumentParser
import Foundation
import MonPS

/// `monps backtest`: argument parsing only; the work is `MonPSCommands.backtest`.
struct Backtest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay historical odds files through a detection agent (no database needed).",
        discussion: """
            Decisions are taken 30 minutes before each start on the pre-match prices only (closing prices are \
            never visible); CLV is measured against Pinnacle's de-vigged closing prices. Every agent runs with \
            the core's default settings.
            """)

    @Option(name: .customLong("data"), parsing: .upToNextOption,
            help: "Files, or folders whose .csv files are read (folder name football, tennis, nhl, mlb or nba sets the format).")
    var data: [String] = []

    @Option(help: "A (consensus anomaly, Kaunitz et al.), B (value vs Pinnacle), C (steam) or consensus.")
    var agent: String

    @Option(help: "football-data, tennis-data, sbr, csv (default: from the folder name).")
    var format: String?

    @Option(help: "Only this sport key, group or league (soccer, soccer_epl, epl, tennis, nhl…).")
    var sport: String?

    @Option(help: "First day (YYYY-MM-DD, UTC), included.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD, UTC), included.")
    var to: String?

    @Option(help: "flat (1.00 per bet), flat:<amount>, kelly (quarter Kelly, 5% cap), kelly:<fraction>[:<cap>].")
    var staking: String = "flat"

    @Option(help: "Starting bankroll in major units.")
    var bankroll: Int64 = 1000

    @Option(help: "Seed of the random-bet resampling (p-value).")
    var seed: UInt64 = 20_240_601

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        do {
            let output = try MonPSCommands.backtest(
                data: data, format: format, agent: agent, sport: sport,
                from: try from.map { try MonPSCommands.backtestDay($0, option: "--from") },
                to: try to.map { try MonPSCommands.backtestDay($0, option: "--to") },
                staking: staking, bankroll: bankroll, seed: seed, json: json,
                progress: { done, total, label in bar.show(done: done, total: total, label: label) })
            bar.finish()
            print(output)
        } catch {
            bar.finish()
            throw CLIFailure(CommandLineError.describe(error))
        }
    }
}
