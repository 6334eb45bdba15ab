// ResponseCache against a real Redis, and entity-tag parsing.

import Foundation
import Testing

@testable import MonPS

@Suite("Response cache", .hangGuard)
struct ResponseCacheTests {
    @Test("put/get round-trips binary bodies; TTL applies")
    func roundTrip() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let cache = ResponseCache(redis: client)

        #expect(try await cache.get("GET /a?") == nil)
        let body: [UInt8] = [0, 10, 13, 255, 0x22] + Array("\n{\"x\":1}\n".utf8)
        let response = CachedResponse(contentType: "application/json", body: body)
        try await cache.put("GET /a?", response, ttl: .seconds(30), tags: ["sports"])
        #expect(try await cache.get("GET /a?", tags: ["sports"]) == response)
        #expect(response.etag == EntityTag.strong(for: body))
        guard case .expiresIn(let ttl) = try await client.ttl(cache.entryKey(for: "GET /a?")) else {
            Issue.record("entry has no TTL")
            return
        }
        #expect(ttl > .seconds(29) && ttl <= .seconds(30))
    }

    @Test("invalidate(tag) makes every entry with the tag stale, and only those")
    func invalidation() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let cache = ResponseCache(redis: client)
        let one = CachedResponse(contentType: "text/plain", body: Array("one".utf8))

        try await cache.put("a", one, ttl: .seconds(60), tags: ["sports", "odds"])
        try await cache.put("b", one, ttl: .seconds(60), tags: ["odds"])
        try await cache.put("c", one, ttl: .seconds(60), tags: ["news"])
        try await cache.invalidate(tag: "sports")
        #expect(try await cache.get("a", tags: ["sports", "odds"]) == nil)
        #expect(try await cache.get("b", tags: ["odds"]) == one)
        #expect(try await cache.get("c", tags: ["news"]) == one)
        try await cache.invalidate(tag: "odds")
        #expect(try await cache.get("b", tags: ["odds"]) == nil)
        // Refilled after invalidation: served again.
        try await cache.put("a", one, ttl: .seconds(60), tags: ["odds", "sports"])
        #expect(try await cache.get("a", tags: ["sports", "odds"]) == one)
    }

    @Test("an invalidation between lookup and store leaves the stored entry stale")
    func invalidationRace() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let cache = ResponseCache(redis: client)

        guard case .miss(let ticket) = try await cache.lookup("k", tags: ["sports"]) else {
            Issue.record("expected a miss")
            return
        }
        try await cache.invalidate(tag: "sports")  // data changed while the response was computed
        try await cache.store(CachedResponse(contentType: nil, body: [1]), ticket: ticket, ttl: .seconds(60))
        #expect(try await cache.get("k", tags: ["sports"]) == nil)
    }

    @Test("a lost tag version never resurrects older entries")
    func lostVersion() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let cache = ResponseCache(redis: client)
        let entry = CachedResponse(contentType: nil, body: [1, 2, 3])

        try await cache.put("k", entry, ttl: .seconds(60), tags: ["sports"])
        #expect(try await cache.get("k", tags: ["sports"]) == entry)
        _ = try await client.del(cache.tagKey("sports"))  // e.g. evicted
        #expect(try await cache.get("k", tags: ["sports"]) == nil)
    }

    @Test("If-None-Match: lists, *, weak comparison, malformed members")
    func entityTags() {
        let etag = "\"abc\""
        #expect(EntityTag.ifNoneMatch("\"abc\"", matches: etag))
        #expect(EntityTag.ifNoneMatch("W/\"abc\"", matches: etag))
        #expect(EntityTag.ifNoneMatch("\"x\", W/\"y\" ,\"abc\"", matches: etag))
        #expect(EntityTag.ifNoneMatch("*", matches: etag))
        #expect(!EntityTag.ifNoneMatch("\"abcd\", \"ab\"", matches: etag))
        #expect(!EntityTag.ifNoneMatch("abc", matches: etag))
        #expect(EntityTag.ifNoneMatch("garbage, \"abc\"", matches: etag))
        #expect(!EntityTag.ifNoneMatch("", matches: etag))
        let strong = EntityTag.strong(for: Array("hello".utf8))
        #expect(strong.hasPrefix("\"") && strong.hasSuffix("\"") && strong.count == 45)
        #expect(strong == EntityTag.strong(for: Array("hello".utf8)))
        #expect(strong != EntityTag.strong(for: Array("hello!".utf8)))
    }
}
