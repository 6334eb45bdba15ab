import Foundation

/// Reads settings from the merged environment, naming the setting in every error. Blank values count as unset.
struct ConfigReader: Sendable {
    let environment: [String: String]

    func value(_ name: String) -> String? {
        guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let raw = value(name) else { return fallback }
        guard let number = Int(raw), range.contains(number) else {
            throw ConfigError(name, "expected a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\"")
        }
        return number
    }

    func list(_ name: String) -> [String] {
        (value(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
