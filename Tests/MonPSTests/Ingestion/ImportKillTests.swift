import Foundation
import Testing
@testable import MonPS

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of a real `monps import` while it writes a file: a file is one transaction, so what is stored is
/// whole files only, and running the same import again completes exactly the rows of an uninterrupted run.
@Suite("Import killed mid-file", .hangGuard)
struct ImportKillTests {
    /// `events` football matches with two bookmakers' 1X2 prices each (6 rows per event).
    static func csv(_ prefix: String, events: Int) -> String {
        var lines = ["sport_key,competition,event_id,starts_at,home,away,bookmaker,market,outcome,price"]
        lines.reserveCapacity(events * 6 + 1)
        let formatter = ISO8601DateFormatter()
        let first = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        for index in 0..<events {
            let start = formatter.string(from: first.addingTimeInterval(Double(index % 300) * 86_400 + Double(index % 12) * 3600))
            for (book, prices) in [("pinnacle", ["2.10", "3.40", "3.50"]), ("bet365", ["2.05", "3.30", "3.60"])] {
                for (outcome, price) in zip(["home", "draw", "away"], prices) {
                    lines.append("soccer_epl,E0,\(prefix)-\(index),\(start),\(prefix) Home \(index),\(prefix) Away \(index),\(book),h2h,\(outcome),\(price)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func counts(_ database: Database) async throws -> (events: Int, snapshots: Int) {
        (try await database.count("SELECT count(*) FROM events"), try await database.count("SELECT count(*) FROM odds_snapshots"))
    }

    @Test func aKilledImportLeavesWholeFilesAndARerunCompletesIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monps-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = folder.appendingPathComponent("a-small.csv"), large = folder.appendingPathComponent("b-large.csv")
        try Self.csv("small", events: 50).write(to: small, atomically: true, encoding: .utf8)
        try Self.csv("large", events: 8_000).write(to: large, atomically: true, encoding: .utf8)

        let url = try await TestDatabases.shared.makeMigrated()
        let app = try await TestApp.make(database: url)
        let database = app.services.database
        try await app.test { _ in
            let environment = [
                "DATABASE_URL": "postgres://\(url.username):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database)",
                "REDIS_URL": TestEnvironment.redisURL, "MONPS_JWT_SECRETS": TestEnvironment.jwtSecret,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            ]
            let log = folder.appendingPathComponent("import.log").path
            let arguments = ["import", "csv", "--quiet", small.path, large.path]
            _ = try await ServerProcess.runCommand(["import", "csv", "--quiet", small.path], environment: environment)
            #expect(try await database.count("SELECT count(*) FROM event_external_ids WHERE source = 'csv' AND external_id = 'small-0'") == 1)

            // Mid-file for certain, whatever the machine's load: this test's open transaction holds the external id
            // of the large file's last event, so the import's transaction for that file waits on it (after writing
            // its events) until the import is killed. The small file imports again first (nothing new).
            let killedWhileWaiting = try await database.withConnection { holder in
                try await holder.query("BEGIN")
                try await holder.query(
                    "INSERT INTO event_external_ids (source, external_id, event_id) SELECT 'csv', 'large-7999', min(id) FROM events")
                let pid = try Subprocess.spawn(ServerProcess.binary.path, arguments, environment: environment, logPath: log)
                var waiting = false
                let deadline = ContinuousClock.now + .seconds(300)
                while ContinuousClock.now < deadline, Subprocess.exitStatus(of: pid) == nil {
                    waiting = try await database.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0
                    if waiting { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                kill(pid, SIGKILL)
                while Subprocess.exitStatus(of: pid) == nil { try await Task.sleep(for: .milliseconds(20)) }
                try await holder.query("ROLLBACK")
                return waiting
            }
            #expect(killedWhileWaiting, "the import never waited mid-file:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            // The killed import's server session ends as soon as its statement can go on and finds the client gone.
            for _ in 0..<200 where try await database.count(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()") > 0 {
                try await Task.sleep(for: .milliseconds(50))
            }

            // Whole files only: the small one (300 prices), not a part of the large one.
            let afterKill = try await Self.counts(database)
            #expect(afterKill.events == 50)
            #expect(afterKill.snapshots == 300)
            #expect(try await database.count(
                "SELECT count(*) FROM events e WHERE (SELECT count(*) FROM odds_snapshots s WHERE s.event_id = e.id) <> 6") == 0)

            // The same command again completes it; a third run adds nothing.
            try await ServerProcess.runCommand(arguments, environment: environment)
            let rerun = try await Self.counts(database)
            #expect(rerun.events == 8_050)
            #expect(rerun.snapshots == 8_050 * 6)
            try await ServerProcess.runCommand(arguments, environment: environment)
            #expect(try await Self.counts(database) == rerun)
        }
    }
}
