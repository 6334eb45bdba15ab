// Near caches of several processes kept coherent through a real Redis.

import Foundation
import Testing

@testable import MonPS

@Suite("Near cache over Redis", .hangGuard)
struct NearCacheSyncTests {
    /// A "process": its own client, near cache and sync service on a shared Redis and key prefix.
    struct Process {
        let client: RedisClient
        let cache: ResponseCache
        let near: NearCache
        let sync: Task<Void, any Error>

        init(_ server: RedisServerProcess, keyPrefix: String) throws {
            client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: keyPrefix))
            near = NearCache(maximumBytes: 1 << 20)
            cache = ResponseCache(redis: client, near: near)
            let service = NearCacheSync(cache: cache, logger: TestEnvironment.logger)
            sync = Task { try await service.run() }
        }

        func stop() {
            sync.cancel()
            client.shutdown()
        }

        func waitUntilLive() async -> Bool { await Eventually.holds(timeout: Self.patience) { near.isLive } }

        /// How long to wait for the subscription and its messages: seconds alone, more under the whole
        /// parallel suite on two cores (5 s was seen to be too short there).
        static let patience = Duration.seconds(30)
    }

    /// `count` processes on one private Redis and one key prefix, each with its subscription in place.
    func withProcesses(_ count: Int, _ body: ([Process]) async throws -> Void) async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let prefix = "near-\(UUID().uuidString.prefix(6)):"
        let processes = try (0..<count).map { _ in try Process(server, keyPrefix: prefix) }
        defer { processes.forEach { $0.stop() } }
        for process in processes { #expect(await process.waitUntilLive()) }
        try await body(processes)
    }

    static let page = CachedResponse(contentType: "application/json", body: Array(#"{"data":[1,2,3]}"#.utf8))

    @Test("a Redis hit is copied and then served without Redis; another process's invalidation drops the copy")
    func copiesAndInvalidationsAcrossProcesses() async throws {
        try await withProcesses(2) { processes in
            let (first, second) = (processes[0], processes[1])

            try await second.cache.put("GET /v1/opportunities?", Self.page, ttl: .seconds(15), tags: ["opportunities"])
            #expect(try await first.cache.get("GET /v1/opportunities?", tags: ["opportunities"]) == Self.page)
            #expect(first.near.usage.entries == 1)
            // The Redis entry disappears behind the caches' back (no message): the copy still answers, so it
            // really is served from memory.
            _ = try await first.client.del(first.cache.entryKey(for: "GET /v1/opportunities?"))
            #expect(try await first.cache.get("GET /v1/opportunities?", tags: ["opportunities"]) == Self.page)

            // Invalidated by the other process: the message reaches the first one, whose copy goes.
            try await second.cache.put("GET /v1/opportunities?", Self.page, ttl: .seconds(15), tags: ["opportunities"])
            try await second.cache.invalidate(tag: "opportunities")
            #expect(await Eventually.holds(timeout: Process.patience) { first.near.usage.entries == 0 })
            #expect(try await first.cache.get("GET /v1/opportunities?", tags: ["opportunities"]) == nil)
        }
    }

    @Test("removing an entry in one process drops the other's copy; the invalidating process drops its own at once")
    func removalsAndLocalInvalidation() async throws {
        try await withProcesses(2) { processes in
            let (first, second) = (processes[0], processes[1])

            try await first.cache.put("GET /v1/sports?", Self.page, ttl: .seconds(60), tags: ["sports"])
            #expect(try await first.cache.get("GET /v1/sports?", tags: ["sports"]) == Self.page)
            #expect(try await second.cache.get("GET /v1/sports?", tags: ["sports"]) == Self.page)
            #expect(first.near.usage.entries == 1 && second.near.usage.entries == 1)

            try await first.cache.remove("GET /v1/sports?")
            #expect(first.near.usage.entries == 0)  // at once, before any message
            #expect(await Eventually.holds(timeout: Process.patience) { second.near.usage.entries == 0 })
            #expect(try await second.cache.get("GET /v1/sports?", tags: ["sports"]) == nil)
        }
    }

    @Test("a lost subscription stops serving copies until it is back, then copies are made again")
    func lostSubscription() async throws {
        try await withProcesses(1) { processes in
            let process = processes[0]

            try await process.cache.put("GET /v1/bookmakers?", Self.page, ttl: .seconds(60), tags: ["bookmakers"])
            #expect(try await process.cache.get("GET /v1/bookmakers?", tags: ["bookmakers"]) == Self.page)
            #expect(process.near.usage.entries == 1)

            // Kill the subscription's connection: messages could be missed from now on, so the copies go.
            _ = try await process.client.command(["CLIENT", "KILL", "TYPE", "pubsub"])
            #expect(await Eventually.holds(timeout: Process.patience) { process.near.usage.entries == 0 })
            // It reconnects by itself; a Redis hit is copied again once live.
            #expect(await process.waitUntilLive())
            #expect(try await process.cache.get("GET /v1/bookmakers?", tags: ["bookmakers"]) == Self.page)
            #expect(process.near.usage.entries == 1)
        }
    }

    @Test("the server keeps copies (and runs their sync) only when shared entries are served and memory is given")
    func wiring() async throws {
        for (overrides, expected) in [
            ([:], true), (["MONPS_RESPONSE_CACHE": "false"], false), (["MONPS_RESPONSE_CACHE_LOCAL_MB": "0"], false),
        ] {
            let services = try await TestApp.make(overrides: overrides).services
            defer { services.redis.shutdown() }
            #expect((services.responseCache.near != nil) == expected, "\(overrides)")
            #expect(services.lifecycleServices.contains { $0 is NearCacheSync } == expected, "\(overrides)")
        }
    }

    @Test("the subscription reports each SUBSCRIBE in place and each interruption")
    func subscriptionEvents() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = RedisClient(configuration: try server.redisConfiguration(keyPrefix: "ev:"))
        defer { client.shutdown() }
        let consumer = Task { () throws -> [RedisSubscriptionEvent] in
            var events: [RedisSubscriptionEvent] = []
            for try await event in client.subscriptionEvents(channels: ["a", "b"]) {
                events.append(event)
                if events.count == 5 { break }
            }
            return events
        }
        // Both channels are subscribed once `.subscribed` is reported: poll on "b", the last confirmed.
        #expect(await Eventually.holds(timeout: Process.patience) { (try? await client.publish(channel: "b", message: "1")) == 1 })
        _ = try await client.command(["CLIENT", "KILL", "TYPE", "pubsub"])
        #expect(await Eventually.holds(timeout: Process.patience) { (try? await client.publish(channel: "a", message: "2")) == 1 })
        let events = try await consumer.value
        #expect(
            events == [
                .subscribed, .message(RedisMessage(channel: "b", payload: Array("1".utf8))), .interrupted, .subscribed,
                .message(RedisMessage(channel: "a", payload: Array("2".utf8))),
            ])
    }
}
