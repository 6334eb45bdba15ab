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
    private let process: Process

    /// The `monps` binary built beside the test bundle (or `MONPS_BINARY`).
    static var binary: URL {
        if let configured = ProcessInfo.processInfo.environment["MONPS_BINARY"] { return URL(fileURLWithPath: configured) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("monps")
    }

    /// Runs `monps <arguments>` to completion (e.g. `migrate`), throwing with its output when it fails.
    @discardableResult
    static func runCommand(_ arguments: [String], environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "monps \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(text)")
        }
        return text
    }

    /// Starts `monps serve` on a free port and waits until `/healthz` answers.
    init(environment: [String: String]) async throws {
        port = try RedisServerProcess.freeLoopbackPort()
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("monps-serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve"]
        var environment = environment
        environment["MONPS_PORT"] = String(port)
        environment["MONPS_HOST"] = "127.0.0.1"
        process.environment = environment
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        // Child processes inherit the spawning thread's signal mask; the server must receive SIGTERM.
        var empty = sigset_t()
        sigemptyset(&empty)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "monps serve exited \(process.terminationStatus):\n\(self.log)")
            }
            if (try? await HTTPProbe.status(port: port, path: "/healthz")) == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        throw Failure(description: "monps serve did not answer /healthz within 60 s:\n\(self.log)")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: logFile)
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM and waits at most `limit` for the process to exit; nil if it is still running.
    func terminate(waitingAtMost limit: Duration) async -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

/// One GET with a short deadline, for readiness polling.
enum HTTPProbe {
    static func status(port: Int, path: String) async throws -> Int {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
