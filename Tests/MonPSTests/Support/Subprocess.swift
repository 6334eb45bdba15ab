// Test helper: runs a short command to completion with posix_spawn + waitpid. Foundation's `Process` reaps its
// children through a monitor that can leave a finished child a zombie while `waitUntilExit` never returns when
// called from a concurrency thread.

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

enum Subprocess {
    struct Failed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String { "\(command) exited \(status):\n\(output)" }
    }

    /// Starts `executable arguments` in the background, stdout and stderr appended to `logPath`; returns its pid.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], logPath: String) throws -> pid_t {
        try start(executable, arguments, environment: environment, outputPath: logPath)
    }

    /// The exit status of `pid` if it has ended (reaping it), nil while it runs.
    static func exitStatus(of pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return decode(status)
    }

    private static func decode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Runs `executable arguments` with `environment` (nil: inherited), stdout and stderr to a temp file (a file, not a
    /// pipe: a daemon it starts may keep the descriptors). Throws `Failed` on a non-zero status.
    ///
    /// It waits by polling, never blocking a thread: the suite's concurrency pool has one thread per core, and a
    /// test blocked in `waitpid` for an `initdb` or a `monps migrate` stalled every other test with it.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("monps-sub-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        let pid = try start(executable, arguments, environment: environment, outputPath: outputPath)
        var status = Self.exitStatus(of: pid)
        while status == nil {
            try? await Task.sleep(for: .milliseconds(10))  // not cancellable: the child is always reaped
            status = Self.exitStatus(of: pid)
        }
        return try finished(executable, arguments, status: status ?? -1, outputPath: outputPath)
    }

    private static func finished(_ executable: String, _ arguments: [String], status: Int32, outputPath: String) throws -> String {
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failed(command: ([executable] + arguments).joined(separator: " "), status: status, output: output)
        }
        return output
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), declared only under `_GNU_SOURCE`, which the
    /// Swift Glibc module does not set: looked up by name.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    private static func start(
        _ executable: String, _ arguments: [String], environment: [String: String]?, outputPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process: a test process holds hundreds of sockets, and a PostgreSQL server started
        // with them refused to run ("insufficient file descriptors available", it counts inherited ones).
        _ = Self.addCloseFrom?(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Concurrency and NIO threads block signals; the child (a server it starts, too) must not inherit that.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard spawned == 0 else {
            throw Failed(command: executable, status: -1, output: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }
        return pid
    }
}
