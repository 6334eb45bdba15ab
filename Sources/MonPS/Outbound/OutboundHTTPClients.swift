import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// MonPS's own HTTP clients for calls to third parties (The Odds API, webhook receivers): no redirects (a 3xx is
/// an answer, never followed: it could point inside the network, or carry the Odds API key somewhere else), short
/// timeouts, no proxy from the environment.
///
/// async-http-client resolves names itself and has no hook to veto an address, so each checked (host,
/// address) pair of a webhook gets a client whose `dnsOverride` maps the host to the address the guard approved:
/// TLS still verifies the certificate for the host name, and the connection goes where the check said. The clients
/// are kept (bounded, oldest closed first) for connection reuse, created lazily — a process that never calls out
/// has none to shut down — and shut down when the service group stops (an HTTPClient must be shut down before it
/// is released; commands that run no service group call `shutdown()`).
final class OutboundHTTPClients: Service, Sendable {
    static let maximumClients = 64

    let timeout: Duration
    private let state = Mutex(State())

    private struct State {
        var clients: [String: HTTPClient] = [:]
        var order: [String] = []
        var closed = false
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String { "the server is shutting down" }
    }

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// The client for a webhook target: pinned to the address its check approved.
    func client(for target: CheckedWebhookTarget) throws -> HTTPClient {
        try client(key: target.pinnedAddress.map { "\(target.host)|\($0)" } ?? "direct") { configuration in
            if let address = target.pinnedAddress { configuration.dnsOverride = [target.host: address] }
        }
    }

    /// The client for a fixed, configured upstream (The Odds API): the system resolver, no pinning.
    func client() throws -> HTTPClient {
        try client(key: "direct") { _ in }
    }

    private func client(key: String, configure: (inout HTTPClient.Configuration) -> Void) throws -> HTTPClient {
        let (client, evicted) = try state.withLock { state throws -> (HTTPClient, HTTPClient?) in
            guard !state.closed else { throw Closed() }
            if let existing = state.clients[key] { return (existing, nil) }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .nanoseconds(timeout.nanoseconds), read: .nanoseconds(timeout.nanoseconds)),
                connectionPool: .init(idleTimeout: .seconds(30)))
            configure(&configuration)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.clients[key] = client
            state.order.append(key)
            var evicted: HTTPClient?
            if state.order.count > Self.maximumClients {
                let oldest = state.order.removeFirst()
                evicted = state.clients.removeValue(forKey: oldest)
            }
            return (client, evicted)
        }
        if let evicted { Task { try? await evicted.shutdown() } }
        return client
    }

    func shutdown() async {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.clients = [:]; state.order = [] }
            return Array(state.clients.values)
        }
        for client in clients { try? await client.shutdown() }
    }

    /// Waits for the group's shutdown, then closes every client.
    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
