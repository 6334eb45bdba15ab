// Test helper: a private redis-server child process on a free loopback port, with its own temp directory.

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts `redis-server --port N --bind 127.0.0.1 --save "" --appendonly no --daemonize no` as a child process
/// (no persistence: a restart empties the data set) and waits until it answers `PING`.
/// `stop()` / `start()` / `restart()` keep the same port, so clients can reconnect to it.
///
/// Always call `stop()` when done (e.g. `defer { server.stop() }`); deinit stops it too.
/// Set `REDIS_SERVER` to use another redis-server binary (default: found on PATH).
final class RedisServerProcess: Sendable {
    enum StartError: Error, CustomStringConvertible {
        case notReady(port: Int, log: String)
        case noFreePort

        var description: String {
            switch self {
            case .notReady(let port, let log): return "redis-server on port \(port) did not start. Log:\n\(log)"
            case .noFreePort: return "no free loopback port"
            }
        }
    }

    let port: Int
    let directory: URL
    private let extraArguments: [String]
    private let process = Mutex<Process?>(nil)

    /// - Parameter extraArguments: more `redis-server` options, e.g. `["--requirepass", "secret"]`.
    init(extraArguments: [String] = []) async throws {
        self.extraArguments = extraArguments
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("monps-redis-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        // Another process may grab the probed port before redis binds it: probe again a few times.
        var lastError: any Error = StartError.noFreePort
        for _ in 0..<5 {
            let candidate = try Self.freeLoopbackPort()
            do {
                let process = try await Self.launch(
                    port: candidate, directory: self.directory, extraArguments: extraArguments)
                self.port = candidate
                self.process.withLock { $0 = process }
                return
            } catch {
                lastError = error
            }
        }
        try? FileManager.default.removeItem(at: self.directory)
        throw lastError
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    var url: String { "redis://127.0.0.1:\(self.port)" }

    var isRunning: Bool { self.process.withLock { $0?.isRunning ?? false } }

    /// Starts the server again on the same port (no-op if running).
    func start() async throws {
        if self.isRunning { return }
        let process = try await Self.launch(port: self.port, directory: self.directory, extraArguments: self.extraArguments)
        self.process.withLock { $0 = process }
    }

    /// Stops the server: SIGTERM (graceful, closes client connections) or SIGKILL, then waits for exit.
    func stop(forcefully: Bool = false) {
        guard let process = self.process.withLock({ slot -> Process? in
            defer { slot = nil }
            return slot
        }) else { return }
        if process.isRunning {
            if forcefully { kill(process.processIdentifier, SIGKILL) } else { process.terminate() }
        }
        // Never hang a test: escalate to SIGKILL if SIGTERM was not honoured within 5 s.
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func restart() async throws {
        self.stop()
        try await self.start()
    }

    // MARK: - Internals

    /// Waits for readiness with `Task.sleep`, not by blocking its thread (the suite's concurrency pool has one per
    /// core).
    private static func launch(port: Int, directory: URL, extraArguments: [String]) async throws -> Process {
        let process = Process()
        let binary = ProcessInfo.processInfo.environment["REDIS_SERVER"] ?? "redis-server"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", directory.path,
                "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let readyBefore = Self.readyLines(directory)
        try Self.runWithEmptySignalMask(process)

        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if !process.isRunning { break }  // e.g. port already in use
            // Our server's own log says it listens: a PONG alone may come from another server on the port.
            if Self.answersPing(port: port), Self.readyLines(directory) > readyBefore, process.isRunning { return process }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        throw StartError.notReady(port: port, log: String(log.suffix(2000)))
    }

    /// `Process.run()` spawns the child with the calling thread's signal mask. Swift-concurrency (dispatch) and
    /// NIO threads block SIGTERM, SIGINT, ..., so a child spawned from a test would ignore `terminate()`.
    /// Spawn it with an empty mask instead (the spawn happens synchronously on this thread).
    private static func runWithEmptySignalMask(_ process: Process) throws {
        var empty = sigset_t()
        sigemptyset(&empty)
        var previous = sigset_t()
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    /// A loopback port nothing listens on, for a test server, chosen below the kernel's ephemeral range
    /// (32768–60999 here). A port from that range (what `bind` to port 0 hands out) can be taken, while its server
    /// is down for an outage drill or between the pick and the bind, by one of the thousands of outgoing connections
    /// the suite opens: the server then cannot listen on it again.
    /// Each port is handed out once per test process, so two servers started at the same time never share one
    /// (the second's redis-server failed to bind, and its readiness check was answered by the first).
    static func freeLoopbackPort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_768)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isFree(port: port) { return port }
        }
        throw StartError.noFreePort
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// Whether a listening socket could bind `port` on 127.0.0.1 now.
    private static func isFree(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = Self.loopbackAddress(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// How many times the server's log (kept across restarts) said it listens.
    private static func readyLines(_ directory: URL) -> Int {
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        return log.components(separatedBy: "Ready to accept connections").count - 1
    }

    /// Sends `PING` over a raw socket; true on `+PONG`, or `-NOAUTH` when the server requires a password.
    static func answersPing(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let ping = Array("PING\r\n".utf8)
        guard send(fd, ping, ping.count, Int32(MSG_NOSIGNAL)) == ping.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(fd, &buffer, buffer.count, 0)
        return received >= 5 && (buffer.starts(with: Array("+PONG".utf8)) || buffer.starts(with: Array("-NOAUTH".utf8)))
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }
}
