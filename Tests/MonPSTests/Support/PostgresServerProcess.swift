// Test helper: a private PostgreSQL cluster in a temp directory, on a free loopback port, that a test may stop
// and start again (the suite's shared server must never go down under the other tests).

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

final class PostgresServerProcess: Sendable {
    struct CommandFailed: Error, CustomStringConvertible {
        var command: String
        var output: String
        var description: String { "\(command) failed:\n\(output)" }
    }

    let port: Int
    let directory: URL
    private let binDirectory: URL
    /// Server settings beyond the common ones (`-c name=value …`).
    private let settings: String

    /// Creates the cluster (trust authentication on loopback: throwaway test data) and starts it.
    init() async throws {
        binDirectory = try Self.findBinDirectory()
        directory = URL(fileURLWithPath: "/tmp/monps-pg-\(UUID().uuidString.prefix(8))", isDirectory: true)
        settings = ""
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try RedisServerProcess.freeLoopbackPort()
        if getuid() == 0 { try await Self.run("/bin/chown", ["postgres:postgres", directory.path]) }
        try await runAsOwner("initdb", ["-D", dataPath, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
        try await start()
    }

    /// A streaming replica of `primary` (`pg_basebackup -R`: standby.signal and primary_conninfo; hot standby),
    /// started. The primary's defaults (wal_level replica, replication trusted from loopback) are enough.
    ///
    /// Replay waits for a conflicting query instead of cancelling it (`max_standby_streaming_delay=-1`): tests pause
    /// replay, and the grace period counts from when the WAL arrived, so on resume PostgreSQL cancelled at once
    /// whatever query was running — once `pg_wal_replay_resume()` itself ("conflict with recovery").
    init(replicaOf primary: PostgresServerProcess) async throws {
        binDirectory = try Self.findBinDirectory()
        directory = URL(fileURLWithPath: "/tmp/monps-pg-\(UUID().uuidString.prefix(8))", isDirectory: true)
        settings = "-c max_standby_streaming_delay=-1"
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try RedisServerProcess.freeLoopbackPort()
        if getuid() == 0 { try await Self.run("/bin/chown", ["postgres:postgres", directory.path]) }
        try await runAsOwner(
            "pg_basebackup",
            ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", dataPath, "-R", "-X", "stream", "-c", "fast"])
        try await start()
    }

    /// Runs one SQL statement through psql (as the superuser) and returns its unaligned output.
    @discardableResult
    func psql(_ sql: String, database: String = "postgres") async throws -> String {
        try await runAsOwner("psql", ["-X", "-q", "-tA", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        // Immediate shutdown (SIGQUIT), not waited for: a deinit cannot await, and the data is thrown away anyway.
        let pidFile = URL(fileURLWithPath: dataPath).appendingPathComponent("postmaster.pid")
        if let first = (try? String(contentsOf: pidFile, encoding: .utf8))?.split(separator: "\n").first,
            let pid = pid_t(first)
        {
            kill(pid, SIGQUIT)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    var dataPath: String { directory.appendingPathComponent("data").path }
    var url: String { "postgres://postgres:postgres@127.0.0.1:\(port)/postgres" }

    func start() async throws {
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 \(settings)"
        let log = directory.appendingPathComponent("log")
        do {
            try await runAsOwner("pg_ctl", ["-D", dataPath, "-l", log.path, "-o", options, "-w", "-t", "30", "start"])
        } catch {
            // pg_ctl only says "could not start server"; why is in the server's log, deleted with the directory.
            let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2000)
            throw CommandFailed(command: "pg_ctl start (port \(port))", output: "\(error)\nserver log:\n\(tail)")
        }
    }

    /// `pg_ctl stop -m fast`: the server ends every session (57P01) and stops, as in a failover.
    func stop() async throws {
        try await runAsOwner("pg_ctl", stopArguments)
    }

    private var stopArguments: [String] { ["-D", dataPath, "-m", "fast", "-w", "-t", "30", "stop"] }

    @discardableResult
    private func runAsOwner(_ tool: String, _ arguments: [String]) async throws -> String {
        try await Self.run("/bin/sh", ["-c", #"cd / && exec "$@""#, "sh"] + ownerCommand(tool, arguments))
    }

    /// `tool arguments` as the cluster's owner; run from / (the postgres user may not enter the test's directory).
    private func ownerCommand(_ tool: String, _ arguments: [String]) -> [String] {
        let binary = binDirectory.appendingPathComponent(tool).path
        return getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", binary] + arguments : [binary] + arguments
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await Subprocess.run(executable, arguments)
    }

    private static func findBinDirectory() throws -> URL {
        if let configured = ProcessInfo.processInfo.environment["MONPS_PG_BIN"] { return URL(fileURLWithPath: configured) }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw CommandFailed(command: "find PostgreSQL", output: "no /usr/lib/postgresql/<version>/bin (set MONPS_PG_BIN)")
        }
        return root.appendingPathComponent("\(newest)/bin")
    }
}
