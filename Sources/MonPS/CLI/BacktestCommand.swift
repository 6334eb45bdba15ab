import Foundation
import MonPSCore

/// `monps backtest`: replays historical files through a detection agent (no database).
extension MonPSCommands {
    /// Default stake of `--staking flat`: 1.00 (100 minor units) per bet, 0.1% of the default bankroll, so
    /// a losing run of thousands of bets does not exhaust the bankroll and change the bet count.
    public static let defaultFlatStakeMinor: Int64 = 100

    /// Reads `data` (files, or folders whose `.csv` files are read in name order), maps every event with a result
    /// to markets (``HistoricalMarkets``), runs `Backtest.run` and returns the table (or JSON) to print.
    ///
    /// - Parameters:
    ///   - format: `football-data`, `tennis-data`, `sbr`, `csv`, or a folder name (`football`, `tennis`, `nhl`,
    ///     `mlb`, `nba`); `nil` detects it from each path's folder name (or file name prefix).
    ///   - agent: `A` (consensus anomaly, Kaunitz et al.), `B` (sharp value), `C` (steam) or `consensus` (A+B+C
    ///     vote, opportunities rated "analyze" only); every agent with the core's default settings.
    ///   - sport: keeps events of this sport key, group or league (`soccer`, `soccer_epl`, `epl`, `tennis`, `nhl`).
    ///   - from, to: days (UTC midnight, see ``backtestDay(_:option:)``), both included.
    ///   - staking: `flat` (1.00 per bet), `flat:<amount>` (major units), `kelly` (quarter Kelly capped at 5%),
    ///     `kelly:<fraction>` or `kelly:<fraction>:<cap>`.
    ///   - bankroll: starting bankroll in major units.
    ///   - seed: seed of the random-bet resampling of the p-value.
    ///   - progress: one call per step (files parsed, markets mapped, backtest run).
    /// - Throws: ``ImportError`` with a one-line message for every bad argument or unreadable file.
    public static func backtest(
        data: [String], format: String? = nil, agent: String, sport: String? = nil, from: Date? = nil,
        to: Date? = nil, staking: String = "flat", bankroll: Int64 = 1000, seed: UInt64 = 20_240_601,
        json: Bool = false, progress: @escaping @Sendable (_ done: Int, _ total: Int, _ label: String) -> Void = { _, _, _ in }
    ) throws -> String {
        // Every argument is checked before any file is read.
        let chosen = try BacktestSetup.agent(agent)
        let plan = try BacktestSetup.stakingPlan(staking)
        guard bankroll > 0, bankroll <= Int64.max / 100 else {
            throw ImportError.invalidInput("--bankroll must be a whole amount between 1 and \(Int64.max / 100)")
        }
        if let from, let to, from > to { throw ImportError.invalidInput("--from must not be after --to") }
        let files = try BacktestSetup.read(paths: data, format: format, sport: sport)

        let steps = files.count + 2
        var events: [ImportedEvent] = []
        for (index, file) in files.enumerated() {
            events += try BacktestSetup.parse(file).events
            progress(index + 1, steps, "parsed \(file.name)")
        }
        let options = HistoricalMarketOptions(sport: sport, from: from, until: to.map { $0.addingTimeInterval(86_400) })
        let set = HistoricalMarkets.map(events, options: options)
        progress(files.count + 1, steps, "mapped \(set.markets.count) markets")

        let configuration = BacktestConfiguration(startingBankroll: bankroll * 100, staking: plan, seed: seed)
        let report: BacktestReport
        do {
            report = try Backtest.run(set.markets, strategy: chosen.strategy, configuration: configuration)
        } catch {
            throw ImportError.invalidInput("backtest failed: \(error)")
        }
        progress(steps, steps, "backtest done")

        let run = BacktestSummary.Run(
            agent: chosen.name, agentKeys: chosen.ids.map(\.rawValue), staking: BacktestSetup.describe(plan),
            bankrollMinor: bankroll * 100, seed: seed, resamples: configuration.resamples)
        let summary = BacktestSummary(run: run, files: files.count, markets: set, report: report)
        return json ? try BacktestText.json(summary) : BacktestText.table(summary)
    }

    /// `YYYY-MM-DD` → that day's UTC midnight; `option` names the flag in the error.
    public static func backtestDay(_ text: String, option: String) throws -> Date {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              ImportClock.isValid(year: year, month: month, day: day)
        else { throw ImportError.invalidInput("\(option) '\(text)' is not a date (YYYY-MM-DD)") }
        return Date(timeIntervalSince1970: TimeInterval(ImportClock.daysFromCivil(year: year, month: month, day: day) * 86_400))
    }
}

/// Argument checks, file reading and parsing of `monps backtest` (the I/O around the pure mapping).
enum BacktestSetup {
    struct Agent {
        var name: String
        var ids: [AgentID]
        var strategy: BacktestStrategy
    }

    static func agent(_ text: String) throws -> Agent {
        switch text.lowercased() {
        case "a": return Agent(name: "A", ids: [.consensusAnomaly], strategy: .agent(ConsensusAnomalyAgent()))
        case "b": return Agent(name: "B", ids: [.sharpValue], strategy: .agent(SharpValueAgent()))
        case "c": return Agent(name: "C", ids: [.steam], strategy: .agent(SteamAgent()))
        case "consensus":
            let agents: [any DetectionAgent] = [ConsensusAnomalyAgent(), SharpValueAgent(), SteamAgent()]
            return Agent(name: "consensus", ids: agents.map(\.id), strategy: .consensus(agents: agents))
        default:
            throw ImportError.invalidInput("unknown agent '\(text)': use A, B, C or consensus")
        }
    }

    /// The plan as `--staking` spells it: `flat:1.00` (major units), `kelly:0.5`, `kelly:0.25:0.05`.
    static func describe(_ plan: StakingPlan) -> String {
        if case .flat(let minor) = plan { return "flat:" + BacktestText.money(minor) }
        return plan.description
    }

    static func stakingPlan(_ text: String) throws -> StakingPlan {
        let invalid = ImportError.invalidInput(
            "invalid --staking '\(text)': use flat, flat:<amount>, kelly, kelly:<fraction> or kelly:<fraction>:<cap> (e.g. kelly:0.5)")
        let lower = text.lowercased()
        if lower == "flat" { return .flat(MonPSCommands.defaultFlatStakeMinor) }
        if lower == "kelly" { return .kelly(multiplier: 0.25, cap: 0.05) }  // the bankroll settings' defaults
        if lower.hasPrefix("flat:") {
            // The CLI speaks major units (like --bankroll); the core counts minor units.
            let amount = String(lower.dropFirst(5))
            guard let value = Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")),
                  amount.allSatisfy({ $0.isNumber || $0 == "." }), value > 0
            else { throw invalid }
            var minor = value * 100
            var whole = Decimal()
            NSDecimalRound(&whole, &minor, 0, .down)
            guard whole == minor, whole < Decimal(Int64.max / 100) else { throw invalid }
            return .flat(NSDecimalNumber(decimal: whole).int64Value)
        }
        do {
            return try StakingPlan(parsing: lower)
        } catch {
            throw invalid
        }
    }

    /// Reads every path with its detected format (missing paths, empty folders and unknown formats fail).
    static func read(paths: [String], format: String?, sport: String?) throws -> [ImportFile] {
        guard !paths.isEmpty else { throw ImportError.invalidInput("no data given: pass --data with files or folders") }
        var files: [ImportFile] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError.invalidInput("\(path): no such file or folder")
            }
            let url = URL(fileURLWithPath: path).standardizedFileURL
            let folder = (isDirectory.boolValue ? url : url.deletingLastPathComponent()).lastPathComponent.lowercased()
            let (source, folderSport) = try detect(
                format: format, folder: folder, file: isDirectory.boolValue ? nil : url.lastPathComponent, path: path)
            for var file in try ImportFileReader.read(paths: [path], source: source, sbrSport: folderSport) {
                if source == .sbr && file.sbrSport == nil {
                    guard let sport = sbrSport(fileName: file.name) ?? sport.flatMap({ SBRParser.Sport(rawValue: $0.lowercased()) })
                    else {
                        throw ImportError.invalidInput(
                            "\(file.name): cannot tell the SBR sport; name the file nhl_…, mlb_… or nba_…, or pass --sport nhl|mlb|nba")
                    }
                    file.sbrSport = sport
                }
                files.append(file)
            }
        }
        return files
    }

    /// The format of a path: `--format` when given, else the folder name, else the file name prefix.
    static func detect(format: String?, folder: String, file: String?, path: String) throws -> (ImportSource, SBRParser.Sport?) {
        if let format {
            if let known = named(format.lowercased()) { return known }
            switch format.lowercased() {
            case "football-data": return (.footballData, nil)
            case "tennis-data": return (.tennisData, nil)
            case "csv": return (.genericCSV, nil)
            case "sbr": return (.sbr, SBRParser.Sport(rawValue: folder))
            default:
                throw ImportError.invalidInput(
                    "unknown --format '\(format)': use football-data, tennis-data, sbr, csv, football, tennis, nhl, mlb or nba")
            }
        }
        if let known = named(folder) { return known }
        if let file {
            if let sport = sbrSport(fileName: file) { return (.sbr, sport) }
            let lower = file.lowercased()
            if lower.hasPrefix("atp") || lower.hasPrefix("wta") { return (.tennisData, nil) }
        }
        throw ImportError.invalidInput(
            "\(path): cannot tell the format; put the files in a folder named football, tennis, nhl, mlb or nba, or pass --format")
    }

    /// Folder names of the shared data set.
    static func named(_ name: String) -> (ImportSource, SBRParser.Sport?)? {
        switch name {
        case "football", "soccer": return (ImportSource.footballData, nil)
        case "tennis": return (ImportSource.tennisData, nil)
        default: return SBRParser.Sport(rawValue: name).map { (ImportSource.sbr, $0) }
        }
    }

    /// `nhl_odds_2019-20.csv` → NHL.
    static func sbrSport(fileName: String) -> SBRParser.Sport? {
        let lower = fileName.lowercased()
        return SBRParser.Sport.allCases.first { lower.hasPrefix($0.rawValue + "_") }
    }

    static func parse(_ file: ImportFile) throws -> ParsedFile { try HistoricalImporter.parse(file) }
}
