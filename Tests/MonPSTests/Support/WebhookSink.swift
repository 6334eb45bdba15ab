// Test helper: a real HTTP receiver on loopback (a Hummingbird app on a free port) that records every request
// it gets and answers as told: 2xx, an error status, a redirect, or slowly.

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

final class WebhookSink: Sendable {
    struct Received: Sendable {
        let path: String
        /// Lower-case names.
        let headers: [String: String]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw TestFailure("the sink got no JSON object: \(text)")
            }
            return object
        }
    }

    enum Answer: Sendable {
        case status(Int)
        case redirect(to: String)
    }

    private struct State {
        var received: [Received] = []
        var answer: Answer = .status(200)
        var delay: Duration = .zero
    }

    /// Shared with the route closure (a Mutex cannot be captured itself).
    private final class Recorder: Sendable {
        let state = Mutex(State())

        func record(_ request: Received) -> (Answer, Duration) {
            state.withLock {
                $0.received.append(request)
                return ($0.answer, $0.delay)
            }
        }
    }

    let port: Int
    private let recorder: Recorder
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(port: Int, recorder: Recorder, group: ServiceGroup, running: Task<Void, any Error>) {
        self.port = port
        self.recorder = recorder
        self.group = group
        self.running = running
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var received: [Received] { recorder.state.withLock { $0.received } }

    func answer(_ answer: Answer, delay: Duration = .zero) {
        recorder.state.withLock {
            $0.answer = answer
            $0.delay = delay
        }
    }

    static func start() async throws -> WebhookSink {
        let recorder = Recorder()
        let bound = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let received = Received(path: request.uri.path, headers: headers, body: Array(buffer: body))
            // Recorded on arrival, before any delay: "arrived" is what the kill test counts.
            let (answer, delay) = recorder.record(received)
            if delay > .zero { try await Task.sleep(for: delay) }
            switch answer {
            case .status(let code):
                return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: code < 300 ? "ok" : "nope")))
            case .redirect(let location):
                return Response(status: .found, headers: [.location: location])
            }
        }
        var logger = Logger(label: "webhook-sink")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        var iterator = bound.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the webhook sink did not start") }
        return WebhookSink(port: port, recorder: recorder, group: group, running: running)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Waits until `count` requests arrived (or `limit` passed).
    func waitFor(_ count: Int, within limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while received.count < count {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("the sink got \(received.count) of \(count) requests in \(limit)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
