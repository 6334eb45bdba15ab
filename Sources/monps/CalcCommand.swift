import ArgumentParser
import Foundation
import MonPS
import MonPSAPI

/// `monps calc …`: the calculator endpoints' maths from the command line, printing the same JSON.
struct Calc: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Betting calculators (de-vig, EV, Kelly, CLV, settle) printing JSON.",
        subcommands: [DevigCommand.self, EVCommand.self, KellyCommand.self, CLVCommand.self, SettleCommand.self])

    static func printJSON<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Runs a calculation, turning the maths' typed errors into a one-line CLI error.
    static func run<Value: Encodable>(_ body: () throws -> Value) throws {
        do {
            try printJSON(try body())
        } catch {
            throw CLIFailure(CommandLineError.describe(error))
        }
    }
}

struct DevigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devig", abstract: "Fair probabilities of a market.")

    @Option(help: "multiplicative, additive, power, shin, odds_ratio or margin_weights.")
    var method: String = "multiplicative"

    @Argument(help: "Decimal odds of every outcome, e.g. 2.10 3.40 3.60.")
    var odds: [Double]

    func run() throws {
        guard let method = Components.Schemas.DevigMethod(rawValue: method) else {
            throw ValidationError("unknown method \(method)")
        }
        try Calc.run { try Calculators.devig(.init(odds: odds, method: method)) }
    }
}

struct EVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ev", abstract: "Expected value of a price.")

    @Option(help: "Decimal odds offered.") var odds: Double
    @Option(help: "Fair probability of the outcome.") var probability: Double?
    @Option(parsing: .upToNextOption, help: "Sharp book's odds for every outcome (instead of --probability).")
    var sharp: [Double] = []
    @Option(help: "Index of the outcome in --sharp.") var selection: Int?
    @Option(help: "De-vig method for --sharp.") var method: String = "multiplicative"

    func run() throws {
        try Calc.run {
            try Calculators.expectedValue(
                .init(
                    odds: odds, probability: probability, sharpOdds: sharp.isEmpty ? nil : sharp, selection: selection,
                    method: Components.Schemas.DevigMethod(rawValue: method)))
        }
    }
}

struct KellyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kelly", abstract: "Kelly stakes; several ODDS:PROBABILITY pairs are mutually exclusive outcomes.")

    @Option(help: "Fractional Kelly multiplier, e.g. 0.5.") var fraction: Double = 1
    @Option(help: "Largest share of the bankroll staked.") var cap: Double = 1
    @Option(help: "Bankroll in minor units (cents).") var bankroll: Int64?
    @Argument(help: "ODDS:PROBABILITY, e.g. 2.10:0.5") var bets: [String]

    func run() throws {
        let parsed = try bets.map { pair -> Components.Schemas.KellyBet in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let odds = Double(parts[0]), let probability = Double(parts[1]) else {
                throw ValidationError("expected ODDS:PROBABILITY, got \(pair)")
            }
            return .init(odds: odds, probability: probability)
        }
        try Calc.run { try Calculators.kelly(.init(bets: parsed, multiplier: fraction, cap: cap, bankroll: bankroll)) }
    }
}

struct CLVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clv", abstract: "Closing line value of a bet.")

    @Option(help: "The bet's decimal odds.") var bet: Double
    @Option(help: "Fair closing odds of the outcome.") var fair: Double?
    @Option(parsing: .upToNextOption, help: "Sharp closing odds of every outcome (instead of --fair).")
    var closing: [Double] = []
    @Option(help: "Index of the outcome in --closing.") var selection: Int?
    @Option(help: "De-vig method for --closing.") var method: String = "multiplicative"

    func run() throws {
        try Calc.run {
            try Calculators.closingLineValue(
                .init(
                    betOdds: bet, fairClosingOdds: fair, closingOdds: closing.isEmpty ? nil : closing, selection: selection,
                    method: Components.Schemas.DevigMethod(rawValue: method)))
        }
    }
}

struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle", abstract: "Settle a bet against a final score, e.g. --market handicap --selection home --line -0.75 --score 2-1.")

    @Option(help: "Stake in minor units.") var stake: Int64
    @Option(help: "Decimal odds.") var odds: Double
    @Option(help: "match_result, moneyline, draw_no_bet, double_chance, handicap or total.") var market: String
    @Option(help: "home, draw, away, 1X, 12, X2, over or under.") var selection: String
    @Option(help: "Handicap or total line.") var line: Double?
    @Option(help: "Final score HOME-AWAY.") var score: String

    func run() throws {
        let parts = score.split(separator: "-")
        guard let marketType = Components.Schemas.SettleMarket._TypePayload(rawValue: market) else {
            throw ValidationError("unknown market \(market)")
        }
        guard parts.count == 2, let home = Int(parts[0]), let away = Int(parts[1]) else {
            throw ValidationError("expected --score HOME-AWAY, got \(score)")
        }
        try Calc.run {
            try Calculators.settle(
                .init(
                    stake: stake, odds: odds, market: .init(_type: marketType, selection: selection, line: line),
                    event: .init(status: .completed, homeScore: home, awayScore: away)), now: Date())
        }
    }
}

/// A failure reported as one line, without the usage text a `ValidationError` adds.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
