// Test support for the The Odds API client: a programmable fake server (Hummingbird on
// 127.0.0.1, ephemeral port), a log recorder and a harness wiring a real HTTPClient to both.

import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

@testable import MonPS

/// A stand-in for api.the-odds-api.com: per-path queues of replies (the last one repeats),
/// every request recorded on arrival.
final class OddsAPIFakeServer: Sendable {
    struct Reply: Sendable {
        var status: Int = 200
        var headers: [String: String] = [:]
        var body: String = "[]"
        /// Sleep before answering (timeout tests); cancelled with the server.
        var delay: Duration?
        /// Send the body in chunks without `Content-Length`.
        var chunked = false
    }

    struct Received: Sendable, Equatable {
        var path: String
        var query: [String: String]
    }

    private struct State {
        var replies: [String: [Reply]] = [:]
        var received: [Received] = []
    }

    private let state = Mutex(State())

    /// Replies for `path`, served in order; the last one is repeated.
    func stub(_ path: String, _ replies: Reply...) {
        state.withLock { $0.replies[path] = replies }
    }

    var received: [Received] { state.withLock { $0.received } }

    func received(path: String) -> [Received] { received.filter { $0.path == path } }

    fileprivate func respond(to request: Request) async throws -> Response {
        let path = request.uri.path
        let reply = state.withLock { state -> Reply? in
            state.received.append(Received(path: path, query: Self.parseQuery(request.uri.query)))
            guard var queue = state.replies[path], let first = queue.first else { return nil }
            if queue.count > 1 { queue.removeFirst() }
            state.replies[path] = queue
            return first
        }
        guard let reply else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"no stub"}"#)))
        }
        if let delay = reply.delay { try await Task.sleep(for: delay) }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (name, value) in reply.headers { headers[HTTPField.Name(name)!] = value }
        let bytes = ByteBuffer(string: reply.body)
        let body: ResponseBody
        if reply.chunked {
            body = ResponseBody { writer in
                var remaining = bytes
                while let chunk = remaining.readSlice(length: min(512, remaining.readableBytes)), chunk.readableBytes > 0 {
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }
        } else {
            body = ResponseBody(byteBuffer: bytes)
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: headers, body: body)
    }

    private static func parseQuery(_ query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            result[key] = value
        }
        return result
    }

    /// Runs the server on 127.0.0.1 with an ephemeral port for the duration of `body`.
    ///
    /// The bound port comes from `Application`'s `onServerRunning` callback, which receives the
    /// listening channel: `channel.localAddress?.port`.
    func run<T: Sendable>(_ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fake-odds-api")
        // Stopping by cancellation makes HummingbirdCore log expected CancellationErrors.
        logger.logLevel = .critical
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await self.respond(to: request) },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw OddsAPITestError.serverDidNotStart
            }
            do {
                let value = try await body(port)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

enum OddsAPITestError: Error {
    case serverDidNotStart
}

/// Reply builders.
extension OddsAPIFakeServer.Reply {
    static func json(
        _ body: String, status: Int = 200, quota: (remaining: Int, used: Int, last: Int)? = nil,
        headers: [String: String] = [:], delay: Duration? = nil, chunked: Bool = false
    ) -> Self {
        var all = headers
        if let quota {
            all["x-requests-remaining"] = String(quota.remaining)
            all["x-requests-used"] = String(quota.used)
            all["x-requests-last"] = String(quota.last)
        }
        return Self(status: status, headers: all, body: body, delay: delay, chunked: chunked)
    }

    static func error(_ status: Int, message: String, code: String? = nil, headers: [String: String] = [:]) -> Self {
        var object: [String: String] = ["message": message]
        if let code { object["error_code"] = code }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Self(status: status, headers: headers, body: String(decoding: data, as: UTF8.self))
    }
}

/// Collects every log line (message + metadata) of the client under test.
final class OddsAPILogRecorder: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }

    var logger: Logger {
        Logger(label: "odds-api-test") { _ in OddsAPIRecordingLogHandler(recorder: self) }
    }
}

struct OddsAPIRecordingLogHandler: LogHandler {
    let recorder: OddsAPILogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
    }
}

/// Waits requested by the client between attempts (recorded instead of slept).
final class OddsAPISleepRecorder: Sendable {
    private let storage = Mutex<[Duration]>([])
    var waits: [Duration] { storage.withLock { $0 } }
    func record(_ duration: Duration) { storage.withLock { $0.append(duration) } }
}

/// Everything a client test needs.
struct OddsAPIHarness: Sendable {
    let client: OddsAPIClient
    let server: OddsAPIFakeServer
    let logs: OddsAPILogRecorder
    let sleeps: OddsAPISleepRecorder
    let port: Int
}

enum OddsAPITestValues {
    static let apiKey = "SECRET-KEY-7f3a9c2e51"
    /// The clock of every test client.
    static let now = Date(timeIntervalSince1970: 1_755_252_000)  // 2025-08-15T10:00:00Z

    static func date(_ iso: String) -> Date {
        try! Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: iso.contains(".")))
    }
}

/// Starts a fake server, a real HTTPClient and an ``OddsAPIClient`` pointing at it. Backoff
/// waits are recorded, not slept; jitter is fixed at 0.5.
func withOddsAPIHarness<T: Sendable>(
    initialQuota: OddsAPIQuota = .unknown,
    configure: @Sendable (inout OddsAPIConfiguration) -> Void = { _ in },
    _ body: @Sendable (OddsAPIHarness) async throws -> T
) async throws -> T {
    let server = OddsAPIFakeServer()
    return try await server.run { port in
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let logs = OddsAPILogRecorder()
        let sleeps = OddsAPISleepRecorder()
        var configuration = OddsAPIConfiguration(
            baseURL: "http://127.0.0.1:\(port)", apiKey: OddsAPITestValues.apiKey,
            requestTimeout: .seconds(5), backoffBase: .milliseconds(1),
            sleep: { sleeps.record($0) }, random: { 0.5 }, now: { OddsAPITestValues.now })
        configure(&configuration)
        let client = OddsAPIClient(
            configuration: configuration, httpClient: httpClient, logger: logs.logger, initialQuota: initialQuota)
        let harness = OddsAPIHarness(client: client, server: server, logs: logs, sleeps: sleeps, port: port)
        do {
            let value = try await body(harness)
            try await httpClient.shutdown()
            return value
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }
}

/// The thrown ``OddsAPIError`` of `operation` (fails the test through `nil` otherwise).
func oddsAPIError<T>(_ operation: () async throws -> T) async -> OddsAPIError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as OddsAPIError {
        return error
    } catch {
        return nil
    }
}
