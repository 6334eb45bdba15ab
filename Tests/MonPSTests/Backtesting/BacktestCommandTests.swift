import Foundation
import MonPSCore
import Testing
@testable import MonPS

@Suite("Backtesting: monps backtest", .hangGuard)
struct BacktestCommandTests {
    @Test func tableAndJSONOfAgentA() throws {
        let folder = try BacktestFixtures.footballFolder()
        let table = try MonPSCommands.backtest(data: [folder], agent: "A")
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "backtest: agent A (consensus_anomaly), staking flat:1.00, bankroll 1000.00, seed 20240601, 10000 resamples")
        #expect(lines[1].hasPrefix("data: 1 file(s), 2 events replayed (1 without a result, 0 duplicate"))
        #expect(lines[1].contains("5 markets (h2h 2, spreads 1, totals 2), 1 with a candidate"))
        #expect(table.contains("bets                     1\n"))
        #expect(table.contains("hit rate                 100.00%"))
        #expect(table.contains("profit                   +1.40\n"))
        #expect(table.contains("yield (profit / staked)  +140.00%"))
        // CLV against Pinnacle's de-vigged close 1.95/3.60/4.20 (multiplicative): 2.40 × 0.49852 − 1.
        #expect(table.contains("average CLV              +19.64% (1 bets with a sharp close)"))
        #expect(table.contains("final bankroll           1001.40"))
        #expect(table.contains("h2h            1   100.00%          1.00         +1.40  +140.00%"))

        let json = try MonPSCommands.backtest(data: [folder], agent: "a", json: true)
        let summary = try JSONDecoder.snakeCase.decode(BacktestSummary.self, from: Data(json.utf8))
        #expect(summary.figures.bets == 1 && summary.figures.profitMinor == 140 && summary.figures.stakedMinor == 100)
        #expect(summary.data.markets == 5 && summary.data.eventsWithoutResult == 1)
        #expect(summary.kaunitz.bets == 1 && summary.kaunitz.accuracy == 1 && summary.kaunitz.return == 1.4)
        // 1/AvgH − 0.034 (the paper's home intercept): agent A's consensus was the file's market average.
        let consensus = 1 / 2.13
        #expect(abs(summary.kaunitz.consensusProbability! - consensus) < 1e-12)
        #expect(abs(summary.kaunitz.expectedAccuracy! - (consensus - 0.034)) < 1e-12)
        #expect(json.contains("\"profit_minor\" : 140"))
    }

    @Test(arguments: ["A", "B", "C", "consensus"])
    func sameDataAndSeedGiveTheSameOutput(agent: String) throws {
        let folder = try BacktestFixtures.footballFolder()
        for json in [false, true] {
            let first = try MonPSCommands.backtest(data: [folder], agent: agent, staking: "kelly:0.5", seed: 7, json: json)
            let second = try MonPSCommands.backtest(data: [folder], agent: agent, staking: "kelly:0.5", seed: 7, json: json)
            #expect(first == second)
        }
    }

    @Test func stakingBankrollAndProgress() throws {
        let folder = try BacktestFixtures.footballFolder()
        let steps = ProgressSteps()
        let kelly = try MonPSCommands.backtest(
            data: [folder], agent: "B", staking: "kelly:1:0.05", bankroll: 500, json: true,
            progress: { done, total, _ in steps.append(done, total) })
        let summary = try JSONDecoder.snakeCase.decode(BacktestSummary.self, from: Data(kelly.utf8))
        #expect(summary.run.staking == "kelly:1.0:0.05" && summary.run.bankrollMinor == 50_000)
        // Full Kelly on p ≈ 0.462 (power de-vig of Pinnacle) at 2.40 is ≈ 7.8%: the 5% cap of 500.00.
        #expect(summary.figures.stakedMinor == 2_500)
        #expect(steps.all == [[1, 3], [2, 3], [3, 3]])
        #expect(try BacktestSetup.stakingPlan("flat:2.5") == .flat(250))
        #expect(BacktestSetup.describe(.flat(250)) == "flat:2.50" && BacktestSetup.describe(.kelly(multiplier: 0.5)) == "kelly:0.5")
        #expect(try BacktestSetup.stakingPlan("FLAT") == .flat(100))
        #expect(try BacktestSetup.stakingPlan("kelly") == .kelly(multiplier: 0.25, cap: 0.05))
    }

    @Test func badArgumentsGiveOneLineMessages() throws {
        let folder = try BacktestFixtures.footballFolder()
        func message<T>(_ body: () throws -> T) -> String {
            do {
                _ = try body()
                return "no error"
            } catch {
                return CommandLineError.describe(error)
            }
        }
        #expect(message { try MonPSCommands.backtest(data: [folder], agent: "D") }
            == "unknown agent 'D': use A, B, C or consensus")
        let staking = "use flat, flat:<amount>, kelly, kelly:<fraction> or kelly:<fraction>:<cap> (e.g. kelly:0.5)"
        for bad in ["kelly:", "kelly:-1", "kelly:0.5:2", "flat:0", "flat:1.234", "flat:abc", "martingale"] {
            #expect(message { try MonPSCommands.backtest(data: [folder], agent: "A", staking: bad) }
                == "invalid --staking '\(bad)': \(staking)")
        }
        #expect(message { try MonPSCommands.backtest(data: ["/nonexistent/football"], agent: "A") }
            == "/nonexistent/football: no such file or folder")
        #expect(message { try MonPSCommands.backtest(data: [], agent: "A") }
            == "no data given: pass --data with files or folders")
        #expect(message { try MonPSCommands.backtest(data: [folder], agent: "A", bankroll: 0) }
            == "--bankroll must be a whole amount between 1 and 92233720368547758")
        #expect(message { try MonPSCommands.backtest(data: [folder], format: "xls", agent: "A") }
            .hasPrefix("unknown --format 'xls': use football-data"))
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("monps-backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "x".write(to: other.appendingPathComponent("odds.csv"), atomically: true, encoding: .utf8)
        #expect(message { try MonPSCommands.backtest(data: [other.path], agent: "A") }
            == "\(other.path): cannot tell the format; put the files in a folder named football, tennis, nhl, mlb or nba, or pass --format")
        #expect(message { try MonPSCommands.backtest(data: [other.path], format: "football-data", agent: "A") }
            .hasPrefix("odds.csv: not a football-data.co.uk file"))

        for bad in ["2019-13-01", "2019-02-30", "19-01-01", "2019/01/01", "yesterday", ""] {
            #expect(message { try MonPSCommands.backtestDay(bad, option: "--from") }
                == "--from '\(bad)' is not a date (YYYY-MM-DD)")
        }
        let day = try MonPSCommands.backtestDay("2019-08-10", option: "--to")
        #expect(day == IngestionFixtures.utc("2019-08-10T00:00:00Z"))
        #expect(message { try MonPSCommands.backtest(data: [folder], agent: "A", from: day.addingTimeInterval(86_400), to: day) }
            == "--from must not be after --to")
        // --to includes the whole day; --from the day after leaves nothing.
        let json = try MonPSCommands.backtest(data: [folder], agent: "A", from: day, to: day, json: true)
        #expect(try JSONDecoder.snakeCase.decode(BacktestSummary.self, from: Data(json.utf8)).data.markets == 5)
        let none = try MonPSCommands.backtest(data: [folder], agent: "A", from: day.addingTimeInterval(86_400), json: true)
        let empty = try JSONDecoder.snakeCase.decode(BacktestSummary.self, from: Data(none.utf8))
        #expect(empty.data.markets == 0 && empty.figures.bets == 0 && empty.data.eventsOutsideFilter == 3)
    }

    // MARK: - The shared football data set

    static let footballFolder = IngestionFixtures.dataDirectory.appendingPathComponent("football").path

    /// Exact figures of the whole football folder (any change of the mapping or of agent A shows here).
    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func footballCorpus() throws {
        func run() throws -> BacktestSummary {
            let json = try MonPSCommands.backtest(data: [Self.footballFolder], agent: "A", json: true)
            return try JSONDecoder.snakeCase.decode(BacktestSummary.self, from: Data(json.utf8))
        }
        let first = try run()
        #expect(try run() == first)
        #expect(first.data.files == 23)
        #expect(first.data.events == Self.corpusEvents)
        #expect(first.data.markets == Self.corpusMarkets)
        // IRL has closing prices only; E0 up to 2018-19 prices totals and handicaps through BetBrain aggregates only.
        #expect(first.data.eventsWithoutPrices == 2563)
        #expect(first.data.marketsByType == ["h2h": 5467, "totals": 2427, "spreads": 2427])
        #expect(first.figures.bets == Self.corpusBetsA)
    }

    /// Moving every closing price of the corpus changes none of agent A's bets.
    @Test(.enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"))
    func footballCorpusClosingPricesChangeNoBet() throws {
        let files = try BacktestSetup.read(paths: [Self.footballFolder], format: nil, sport: nil)
        let events = try files.flatMap { try BacktestSetup.parse($0).events }
        var moved = events
        for e in moved.indices {
            for s in moved[e].snapshots.indices where moved[e].snapshots[s].isClosing {
                moved[e].snapshots[s].price = moved[e].snapshots[s].price * 1.5 + 1
            }
        }
        let configuration = BacktestConfiguration(startingBankroll: 100_000, staking: .flat(100), resamples: 0)
        func bets(_ events: [ImportedEvent]) throws -> [String] {
            try Backtest.run(
                HistoricalMarkets.map(events).markets, strategy: .agent(ConsensusAnomalyAgent()),
                configuration: configuration
            ).bets.map { "\($0.eventID) \($0.market) \($0.outcome) \($0.bookmaker) \($0.decimalOdds) \($0.payout)" }
        }
        let original = try bets(events)
        #expect(original.count == Self.corpusBetsA)
        #expect(try bets(moved) == original)
    }

    static let corpusEvents = 8030
    static let corpusMarkets = 10321
    static let corpusBetsA = 33
}

/// Progress calls recorded from a `@Sendable` closure.
final class ProgressSteps: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [[Int]] = []
    func append(_ done: Int, _ total: Int) { lock.withLock { steps.append([done, total]) } }
    var all: [[Int]] { lock.withLock { steps } }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
