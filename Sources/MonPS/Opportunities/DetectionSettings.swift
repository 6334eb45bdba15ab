import Foundation
import MonPSCore

/// The live agents' thresholds and the consensus verdict thresholds, from `MONPS_DETECTION` (JSON, every field
/// optional), e.g. `{"alpha":0.05,"min_bookmakers":4,"sharp_edge":0.02,"analyze_threshold":60}`. Stored backtests use
/// the same values, so a backtest measures the agents as they run live.
struct DetectionSettings: Sendable, Equatable {
    /// A: bet when the best price exceeds 1 / (consensus probability − alpha) (Kaunitz et al.: 0.05).
    var alpha = 0.05
    /// A: bookmakers pricing the outcome, at least.
    var minBookmakers = 4
    /// B: edge against the sharp book's de-vigged price, at least.
    var sharpEdge = 0.02
    /// B and C: how the sharp book's margin is removed.
    var devigMethod = DevigMethod.power
    /// C: move of the sharp fair probability that counts as steam.
    var steamMove = 0.03
    /// C: the window of that move, minutes.
    var steamWindowMinutes = 120
    /// Consensus score (0–100) of the verdict `analyze`, and of `caution`.
    var analyzeThreshold = 60.0
    var cautionThreshold = 30.0

    var agents: [AgentID: any DetectionAgent] {
        [
            .consensusAnomaly: ConsensusAnomalyAgent(configuration: .init(alpha: alpha, minBookmakers: minBookmakers)),
            .sharpValue: SharpValueAgent(configuration: .init(method: devigMethod, edgeThreshold: sharpEdge)),
            .steam: SteamAgent(configuration: .init(
                moveThreshold: steamMove, window: TimeInterval(steamWindowMinutes * 60), method: devigMethod)),
        ]
    }

    var consensus: ConsensusConfiguration {
        ConsensusConfiguration(analyzeThreshold: analyzeThreshold, cautionThreshold: cautionThreshold)
    }

    private static let keys: Set<String> = [
        "alpha", "min_bookmakers", "sharp_edge", "devig_method", "steam_move", "steam_window_minutes",
        "analyze_threshold", "caution_threshold",
    ]

    /// Parses and checks `MONPS_DETECTION`; the message names the field at fault.
    init(json: String) throws(ConfigError) {
        func fail(_ reason: String) -> ConfigError { ConfigError("MONPS_DETECTION", reason) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw fail("expected a JSON object")
        }
        if let unknown = Set(object.keys).subtracting(Self.keys).sorted().first { throw fail("unknown field \"\(unknown)\"") }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(ConfigError) -> Double? {
            guard let raw = object[key] else { return nil }
            guard let value = raw as? NSNumber, !(raw is Bool), range.contains(value.doubleValue) else {
                throw fail("\(key) must be a number in \(range.lowerBound)…\(range.upperBound)")
            }
            return value.doubleValue
        }
        func whole(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
            guard let value = try number(key, Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
            guard value == value.rounded() else { throw fail("\(key) must be a whole number") }
            return Int(value)
        }
        alpha = try number("alpha", 0.001...0.5) ?? alpha
        minBookmakers = try whole("min_bookmakers", 2...50) ?? minBookmakers
        sharpEdge = try number("sharp_edge", 0...0.5) ?? sharpEdge
        steamMove = try number("steam_move", 0.001...0.5) ?? steamMove
        steamWindowMinutes = try whole("steam_window_minutes", 5...1440) ?? steamWindowMinutes
        analyzeThreshold = try number("analyze_threshold", 0...100) ?? analyzeThreshold
        cautionThreshold = try number("caution_threshold", 0...100) ?? cautionThreshold
        if let method = object["devig_method"] {
            guard let name = method as? String, let parsed = DevigMethod(rawValue: name) else {
                throw fail("devig_method must be one of \(DevigMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            devigMethod = parsed
        }
        guard cautionThreshold <= analyzeThreshold else { throw fail("caution_threshold must not exceed analyze_threshold") }
    }

    init() {}
}

extension DetectionSettings: CustomStringConvertible {
    var description: String {
        "alpha \(alpha), ≥ \(minBookmakers) books, sharp edge \(sharpEdge), \(devigMethod.rawValue) de-vig, steam "
            + "\(steamMove) in \(steamWindowMinutes) min, analyze ≥ \(analyzeThreshold), caution ≥ \(cautionThreshold)"
    }
}
