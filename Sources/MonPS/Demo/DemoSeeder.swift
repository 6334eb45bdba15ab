import Logging

/// Loads the quick start's demo data. Deterministic and idempotent: running it twice changes nothing.
/// Each capability of MonPS adds its step here so a new user sees it working.
struct DemoSeeder: Sendable {
    struct Report: Sendable {
        var lines: [String]
        var summary: String { lines.joined(separator: "\n") }
    }

    let database: Database
    let logger: Logger

    func seed() async throws -> Report {
        var lines: [String] = []
        lines.append(try await catalogue())
        return Report(lines: lines)
    }

    /// The sports catalogue comes with the migrations; report it so the user knows what is there.
    private func catalogue() async throws -> String {
        let rows = try await database.query(
            "SELECT count(*)::int, count(DISTINCT group_key)::int FROM sports WHERE active")
        let (sports, groups) = try rows.first?.decode((Int, Int).self) ?? (0, 0)
        return "sports catalogue: \(sports) active sports in \(groups) groups (GET /v1/sports)"
    }
}
