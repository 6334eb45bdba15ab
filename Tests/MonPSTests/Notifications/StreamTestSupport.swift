import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix
import MonPSCore
import NIOWebSocket
import Synchronization
import Testing

@testable import MonPS

/// A real WebSocket client of `GET /v1/stream` that records every text message and how the server closed.
final class StreamClient: Sendable {
    private struct State {
        var frames: [String] = []
        var ended = false
        var closeCode: WebSocketErrorCode?
        var error: String?
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Connects in the background. `startReading`: the client leaves the socket unread until it returns (a slow
    /// consumer).
    static func connect(
        port: Int, query: String = "", headers: HTTPFields = [:], startReading: (@Sendable () async -> Void)? = nil
    ) -> StreamClient {
        let client = StreamClient()
        let url = "ws://127.0.0.1:\(port)/v1/stream" + (query.isEmpty ? "" : "?\(query)")
        let configuration = WebSocketClientConfiguration(additionalHeaders: headers, autoPing: .disabled)
        let handle = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: configuration, logger: Logger(label: "stream-test-client")
                ) { inbound, _, _ in
                    await startReading?()
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        if case .text(let text) = message { client.state.withLock { $0.frames.append(text) } }
                    }
                }
                client.state.withLock {
                    $0.closeCode = close?.closeCode
                    $0.ended = true
                }
            } catch {
                client.state.withLock {
                    $0.error = "\(error)"
                    $0.ended = true
                }
            }
        }
        client.task.withLock { $0 = handle }
        return client
    }

    func disconnect() { task.withLock { $0?.cancel() } }

    var frames: [String] { state.withLock { $0.frames } }

    /// The decoded frames that are not heartbeats.
    var messages: [[String: Any]] {
        frames.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { ($0["type"] as? String) != "heartbeat" }
    }

    /// Event ids received, in order.
    var eventIDs: [Int64] { messages.compactMap { ($0["id"] as? NSNumber)?.int64Value } }

    var closeCode: WebSocketErrorCode? { state.withLock { $0.closeCode } }
    var ended: Bool { state.withLock { $0.ended } }
    var failure: String? { state.withLock { $0.error } }

    /// Waits (polling) until `condition` holds; fails the test with what arrived when it does not within `timeout`.
    func wait(
        for what: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (StreamClient) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                Issue.record(
                    "timed out waiting for \(what); frames: \(frames.prefix(20)), ended: \(ended), error: \(failure ?? "-")",
                    sourceLocation: sourceLocation)
                throw TestFailure("timed out waiting for \(what)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Until the `ready` frame: catch-up done, the stream is live.
    func waitUntilLive(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await wait(for: "ready", sourceLocation: sourceLocation) { client in
            client.messages.contains { ($0["type"] as? String) == "ready" }
        }
    }
}

/// Recording events the way producers do: in a transaction, then announced on Redis after the commit.
enum StreamEvents {
    struct Payload: Encodable {
        var status: String
        var profit: Int
    }

    @discardableResult
    static func settle(_ app: TestApp, userID: UUID, subject: String = UUID().uuidString, type: NotificationType = .betSettled)
        async throws -> [RecordedNotification]
    {
        let outbox = app.services.notifications.outbox
        let draft = try NotificationDraft(
            userID: userID, type: type, subject: subject, payload: Payload(status: "won", profit: 1250))
        let recorded = try await app.services.database.transaction { connection in
            try await outbox.record([draft], on: connection)
        }
        await outbox.announce(recorded)
        return recorded
    }
}

extension TestApp {
    /// Two instances over one database and one Redis key prefix (as two `monps serve` behind a proxy).
    static func pair(overrides: [String: String] = [:]) async throws -> (TestApp, TestApp) {
        let database = try await TestDatabases.shared.makeMigrated()
        let config = try TestEnvironment.config(database: database, overrides: overrides)
        let prefix = "test:\(UUID().uuidString.prefix(8)):"
        let first = TestApp(services: try AppServices(config: config, logger: TestEnvironment.logger, redisKeyPrefix: prefix))
        let second = TestApp(services: try AppServices(config: config, logger: TestEnvironment.logger, redisKeyPrefix: prefix))
        return (first, second)
    }

    /// Runs `body` against the app served on a real port (WebSockets need one).
    func live<Value: Sendable>(_ body: @Sendable (any TestClientProtocol, Int) async throws -> Value) async throws -> Value {
        let app = try buildApplication(services: services)
        return try await app.test(.live) { client in try await body(client, try #require(client.port)) }
    }
}

/// What a refused upgrade was answered.
struct UpgradeAnswer {
    var status: Int
    var headers: [String: String]
    var body: String

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }
}

/// Sends a genuine WebSocket upgrade request (`Connection: Upgrade`, a key, version 13) on a raw connection and
/// reads the answer; HummingbirdTesting's client would replace `Connection`, and WebSocketClient hides refusals.
func upgradeRequest(port: Int, path: String = "/v1/stream", token: String? = nil) async throws -> UpgradeAnswer {
    var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    if let token { request += "Authorization: Bearer \(token)\r\n" }
    request += "\r\n"
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        var received = ""
        for try await chunk in inbound {
            received += String(buffer: chunk)
            guard let end = received.range(of: "\r\n\r\n") else { continue }
            let head = received[..<end.lowerBound].components(separatedBy: "\r\n")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let status = Int(head[0].split(separator: " ")[1]) ?? 0
            let body = String(received[end.upperBound...])
            if status == 101 || body.utf8.count >= Int(headers["content-length"] ?? "0") ?? 0 {
                return UpgradeAnswer(status: status, headers: headers, body: body)
            }
        }
        throw TestFailure("connection closed before a complete answer: \(received)")
    }
}
