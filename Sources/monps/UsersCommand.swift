import ArgumentParser
import Foundation
import MonPS

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage accounts.", subcommands: [CreateAdmin.self])

    struct CreateAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-admin",
            abstract: "Create an administrator. The password is read from stdin with --password-stdin, else generated and printed once.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Email of the new administrator.") var email: String

        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CLIFailure("no password on standard input")
                }
                password = line
            }
            let (config, logger) = try connection.load(requiring: .database)
            do {
                print(try await MonPSCommands.createAdmin(config: config, logger: logger, email: email, password: password))
            } catch {
                throw CLIFailure(CommandLineError.describe(error))
            }
        }
    }
}
