import ArgumentParser
import MonPS

/// `monps relist`: argument parsing only; the work is `MonPSCommands.relist`.
struct Relist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the stored list entries of active opportunities that lack one.",
        discussion: """
            GET /v1/opportunities joins each active opportunity's stored entry (its JSON as the API writes it) into \
            the page. A detection run writes them; after an upgrade that clears them, or SQL that changed rows by \
            hand, this writes them without re-detecting. Until then those pages are written per request (slower, \
            same answer).
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (config, logger) = try connection.load(requiring: .database)
        do {
            print(try await MonPSCommands.relist(config: config, logger: logger))
        } catch {
            throw CLIFailure(CommandLineError.describe(error))
        }
    }
}
