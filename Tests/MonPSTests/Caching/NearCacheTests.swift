// The in-process copies of cached responses: what they serve, when they stop, and how they stay coherent.

import Foundation
import Prometheus
import Testing

@testable import MonPS

@Suite("Near cache (in-process copies)")
struct NearCacheTests {
    let clock = ManualContinuousClock()

    func response(_ text: String) -> CachedResponse { CachedResponse(contentType: "text/plain", body: Array(text.utf8)) }

    func liveCache(maximumBytes: Int = 1 << 20) -> NearCache {
        let near = NearCache(maximumBytes: maximumBytes, clock: clock.closure)
        near.reset(live: true)
        return near
    }

    @Test func copiesAreServedUntilTheirLifetimeEnds() throws {
        let near = liveCache()
        let epoch = try #require(near.currentEpoch())
        near.remember("GET /a", response("a"), tags: ["sports"], ttl: .seconds(15), epoch: epoch)
        #expect(near.response(for: "GET /a") == response("a"))
        #expect(near.response(for: "GET /b") == nil)
        clock.advance(.milliseconds(14_999))
        #expect(near.response(for: "GET /a") == response("a"))
        clock.advance(.milliseconds(1))
        #expect(near.response(for: "GET /a") == nil)
        #expect(near.usage.entries == 0 && near.usage.bytes == 0)
    }

    @Test func nothingIsKeptOrServedUnlessLive() {
        let near = NearCache(maximumBytes: 1 << 20, clock: clock.closure)
        #expect(near.currentEpoch() == nil)
        near.remember("k", response("a"), tags: [], ttl: .seconds(15), epoch: 0)
        #expect(near.usage.entries == 0)

        near.reset(live: true)
        near.remember("k", response("a"), tags: [], ttl: .seconds(15), epoch: near.currentEpoch()!)
        #expect(near.response(for: "k") != nil)
        // Subscription lost: copies dropped, nothing served or kept until it is back.
        near.reset(live: false)
        #expect(near.response(for: "k") == nil && near.usage.entries == 0)
        #expect(near.currentEpoch() == nil)
    }

    @Test func aTagInvalidationDropsExactlyTheCopiesWithThatTag() throws {
        let near = liveCache()
        let epoch = try #require(near.currentEpoch())
        near.remember("a", response("a"), tags: ["opportunities", "sports"], ttl: .seconds(15), epoch: epoch)
        near.remember("b", response("b"), tags: ["events"], ttl: .seconds(15), epoch: epoch)
        near.remember("c", response("c"), tags: ["opportunities"], ttl: .seconds(15), epoch: epoch)
        near.invalidate(tag: "opportunities")
        #expect(near.response(for: "a") == nil)
        #expect(near.response(for: "b") == response("b"))
        #expect(near.response(for: "c") == nil)
        near.remove("b")
        #expect(near.response(for: "b") == nil)
        #expect(near.usage.entries == 0 && near.usage.bytes == 0)
    }

    /// Redis answered before an invalidation that the process applied before storing the copy: the copy
    /// would outlive the invalidation, so it is not kept.
    @Test func aCopyIsNotKeptWhenAnInvalidationArrivedDuringItsLookup() throws {
        let near = liveCache()
        let epoch = try #require(near.currentEpoch())
        near.invalidate(tag: "unrelated-or-not")
        near.remember("a", response("a"), tags: ["sports"], ttl: .seconds(15), epoch: epoch)
        #expect(near.response(for: "a") == nil)
        let later = try #require(near.currentEpoch())
        near.remember("a", response("a"), tags: ["sports"], ttl: .seconds(15), epoch: later)
        #expect(near.response(for: "a") == response("a"))
    }

    @Test func theLeastRecentlyUsedCopiesGoFirstWhenFull() throws {
        // Each copy: 100-byte body + 1-byte key.
        let near = liveCache(maximumBytes: 303)
        let body = String(repeating: "x", count: 100)
        for key in ["a", "b", "c"] {
            near.remember(key, response(body), tags: [], ttl: .seconds(15), epoch: near.currentEpoch()!)
        }
        #expect(near.usage == (3, 303))
        _ = near.response(for: "a")  // "b" is now the least recently used
        near.remember("d", response(body), tags: [], ttl: .seconds(15), epoch: near.currentEpoch()!)
        #expect(near.response(for: "b") == nil)
        #expect(near.response(for: "a") != nil && near.response(for: "c") != nil && near.response(for: "d") != nil)
        #expect(near.usage == (3, 303))
        // Larger than the whole budget: never kept.
        near.remember("e", response(String(repeating: "y", count: 400)), tags: [], ttl: .seconds(15), epoch: near.currentEpoch()!)
        #expect(near.response(for: "e") == nil && near.usage.entries == 3)
    }

    @Test func invalidationMessagesApplyToTheStore() throws {
        let near = liveCache()
        near.remember("GET /x", response("x"), tags: ["events"], ttl: .seconds(15), epoch: near.currentEpoch()!)
        near.remember("GET /y", response("y"), tags: ["sports"], ttl: .seconds(15), epoch: near.currentEpoch()!)
        NearCacheSync.apply(.message(RedisMessage(channel: "cache:invalidations", payload: Array("t:events".utf8))), to: near)
        #expect(near.response(for: "GET /x") == nil && near.response(for: "GET /y") != nil)
        NearCacheSync.apply(.message(RedisMessage(channel: "cache:invalidations", payload: Array("k:GET /y".utf8))), to: near)
        #expect(near.response(for: "GET /y") == nil)

        near.remember("GET /z", response("z"), tags: [], ttl: .seconds(15), epoch: near.currentEpoch()!)
        NearCacheSync.apply(.message(RedisMessage(channel: "cache:invalidations", payload: Array("garbage".utf8))), to: near)
        #expect(near.response(for: "GET /z") == nil && near.isLive)
        NearCacheSync.apply(.interrupted, to: near)
        #expect(!near.isLive)
        NearCacheSync.apply(.subscribed, to: near)
        #expect(near.isLive)
    }

    @Test func metricsFollowTheStore() throws {
        let registry = PrometheusCollectorRegistry()
        let near = NearCache(maximumBytes: 1 << 20, metrics: NearCacheMetrics(registry: registry), clock: clock.closure)
        func metric(_ name: String) -> String? {
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
        }
        near.reset(live: true)
        #expect(metric("monps_cache_local_live") == "1.0")
        near.remember("GET /a", response("abc"), tags: ["sports"], ttl: .seconds(15), epoch: near.currentEpoch()!)
        _ = near.response(for: "GET /a")
        _ = near.response(for: "GET /a")
        _ = near.response(for: "GET /missing")
        #expect(metric("monps_cache_local_hits_total") == "2")
        #expect(metric("monps_cache_local_entries") == "1.0")
        #expect(metric("monps_cache_local_bytes") == "9.0")  // 3-byte body + 6-byte key
        near.invalidate(tag: "sports")
        #expect(metric("monps_cache_local_entries") == "0.0" && metric("monps_cache_local_bytes") == "0.0")
        near.reset(live: false)
        #expect(metric("monps_cache_local_live") == "0.0")
    }

    @Test func messagesRoundTrip() {
        for message in [NearCacheMessage.tag("opportunities"), .key("GET /v1/sports?a=1&b=t:2")] {
            #expect(NearCacheMessage(payload: Array(message.payload.utf8)) == message)
        }
        #expect(NearCacheMessage(payload: Array("x:y".utf8)) == nil)
    }
}
