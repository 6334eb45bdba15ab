// Test helper: the built `monps` executable as a child process, for what only a real process shows
// (signals, exit status, what it writes to its log).

import AsyncHTTPClient
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

final class ServerProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let logFile: URL
    private let pid: pid_t

    /// The `monps` binary built beside the test bundle (or `MONPS_BINARY`).
    static var binary: URL {
        if let configured = ProcessInfo.processInfo.environment["MONPS_BINARY"] { return URL(fileURLWithPath: configured) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("monps")
    }

    /// Runs `monps <arguments>` to completion (e.g. `migrate`), throwing with its output when it fails.
    @discardableResult
    static func runCommand(_ arguments: [String], environment: [String: String]) async throws -> String {
        try await Subprocess.run(binary.path, arguments, environment: environment)
    }

    /// Starts `monps serve` on a free port and waits until `/healthz` answers.
    init(environment: [String: String]) async throws {
        port = try RedisServerProcess.freeLoopbackPort()
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("monps-serve-\(UUID().uuidString).log")
        var environment = environment
        environment["MONPS_PORT"] = String(port)
        environment["MONPS_HOST"] = "127.0.0.1"
        pid = try Subprocess.spawn(Self.binary.path, ["serve"], environment: environment, logPath: logFile.path)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let status = Subprocess.exitStatus(of: pid) {
                throw Failure(description: "monps serve exited \(status):\n\(self.log)")
            }
            if (try? await HTTPProbe.status(port: port, path: "/healthz")) == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        throw Failure(description: "monps serve did not answer /healthz within 60 s:\n\(self.log)")
    }

    deinit {
        if Subprocess.exitStatus(of: pid) == nil {
            kill(pid, SIGKILL)
            _ = Subprocess.exitStatus(of: pid)
        }
        try? FileManager.default.removeItem(at: logFile)
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM and waits at most `limit` for the process to exit; nil if it is still running (then killed).
    func terminate(waitingAtMost limit: Duration) async -> Int32? {
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = Subprocess.exitStatus(of: pid) { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGKILL)
        return nil
    }
}

/// One GET with a short deadline, for readiness polling.
enum HTTPProbe {
    static func status(port: Int, path: String) async throws -> Int {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
