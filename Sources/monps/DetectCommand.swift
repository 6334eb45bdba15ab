import ArgumentParser
import MonPS

/// `monps detect`: argument parsing only; the work is `MonPSCommands.detect`.
struct Detect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the detection agents once over the upcoming events and update the opportunities.",
        discussion: """
            The same run as the opportunities.detect job; prints what was read and found, and the time spent \
            per phase (load, build markets, agents, consensus, write).
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() async throws {
        let (config, logger) = try connection.load(requiring: .database)
        do {
            print(try await MonPSCommands.detect(config: config, logger: logger, json: json))
        } catch {
            throw CLIFailure(CommandLineError.describe(error))
        }
    }
}
