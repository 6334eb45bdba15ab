import AsyncHTTPClient
import Testing
@testable import MonPS

/// The clients for calls to third parties: one per pinned (host, address), bounded, never following redirects, and
/// none handed out once the server shuts down. (That redirects are not followed is tested on the wire: `WebhookDeliveryTests`,
/// `CollectionJobTests`.)
@Suite("Outbound HTTP clients")
struct OutboundHTTPClientsTests {
    private func target(_ host: String, pinnedTo address: String?) -> CheckedWebhookTarget {
        CheckedWebhookTarget(url: "https://\(host)/hook", host: host, pinnedAddress: address)
    }

    @Test func aPinnedTargetGetsItsOwnClientAndKeepsIt() async throws {
        let clients = OutboundHTTPClients(timeout: .seconds(2))
        let pinned = try clients.client(for: target("hooks.example.com", pinnedTo: "203.0.113.7"))
        #expect(try clients.client(for: target("hooks.example.com", pinnedTo: "203.0.113.7")) === pinned)
        // The same host answering from another address is another connection target: another client.
        #expect(try clients.client(for: target("hooks.example.com", pinnedTo: "203.0.113.8")) !== pinned)
        // Unpinned targets (IP literals, allow-listed hosts) and the Odds API share the plain client.
        let direct = try clients.client()
        #expect(try clients.client(for: target("203.0.113.9", pinnedTo: nil)) === direct)
        #expect(direct !== pinned)
        await clients.shutdown()
    }

    @Test func theOldestClientGoesBeyondTheBound() async throws {
        let clients = OutboundHTTPClients(timeout: .seconds(2))
        let first = try clients.client(for: target("a0.example.com", pinnedTo: "203.0.113.1"))
        for index in 1...OutboundHTTPClients.maximumClients {
            _ = try clients.client(for: target("a\(index).example.com", pinnedTo: "203.0.113.1"))
        }
        // The first was evicted (and is being shut down): asking again builds a new one.
        #expect(try clients.client(for: target("a0.example.com", pinnedTo: "203.0.113.1")) !== first)
        await clients.shutdown()
    }

    @Test func noClientAfterShutdown() async throws {
        let clients = OutboundHTTPClients(timeout: .seconds(2))
        _ = try clients.client()
        await clients.shutdown()
        #expect(throws: OutboundHTTPClients.Closed.self) { try clients.client() }
        #expect(throws: OutboundHTTPClients.Closed.self) { try clients.client(for: target("x.example.com", pinnedTo: "203.0.113.1")) }
    }
}
