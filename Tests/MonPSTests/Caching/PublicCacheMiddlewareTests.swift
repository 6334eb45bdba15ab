// PublicCacheMiddleware through HummingbirdTesting, against a real Redis.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import MonPS

@Suite("Public cache middleware", .hangGuard)
struct PublicCacheMiddlewareTests {
    static let xCache = HTTPField.Name("X-Cache")!

    /// Counts handler invocations per route.
    final class Calls: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func hit(_ route: String) { counts.withLock { $0[route, default: 0] += 1 } }
        subscript(route: String) -> Int { counts.withLock { $0[route] ?? 0 } }
    }

    /// Routes: `/v1/sports` (shared, tag "sports", 60 s), `/v1/sports/missing` (shared; 404),
    /// `/v1/me` (per principal: echoes the Authorization header), `/v1/other` (not cacheable).
    static func makeApp(
        cache: ResponseCache, calls: Calls, metrics: RLCountingMetrics = RLCountingMetrics(), sharesEntries: Bool = true
    ) -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RLProblemMiddleware())
        router.add(
            middleware: PublicCacheMiddleware(
                cache: cache, sharesEntries: sharesEntries, maximumBodyBytes: 64, metricsFactory: metrics
            ) { request in
                let path = request.uri.path
                if path.hasPrefix("/v1/sports") { return .shared(ttl: .seconds(60), tags: ["sports"]) }
                if path == "/v1/me" { return .perPrincipal }
                if path == "/v1/big" { return .shared(ttl: .seconds(60)) }
                return nil
            })
        router.get("/v1/sports") { request, _ in
            calls.hit("sports")
            let body = #"{"sports":["football","tennis"],"q":"\#(request.uri.query ?? "")"}"#
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/v1/sports/streamed") { _, _ in
            calls.hit("streamed")
            // Three separate writes: the middleware must join them, in order, before the ETag.
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    for part in [#"{"parts":["#, #""a","b""#, "]}"] { try await writer.write(ByteBuffer(string: part)) }
                    try await writer.finish(nil)
                })
        }
        router.get("/v1/sports/missing") { _, _ -> Response in
            calls.hit("missing")
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "nope")))
        }
        router.get("/v1/me") { request, _ -> String in
            calls.hit("me")
            return "me=\(request.headers[.authorization] ?? "-")"
        }
        router.get("/v1/big") { _, _ -> String in
            calls.hit("big")
            return String(repeating: "x", count: 100)
        }
        router.get("/v1/other") { _, _ in "other" }
        return Application(router: router)
    }

    static func headers(_ pairs: [(HTTPField.Name, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields[name] = value }
        return fields
    }

    @Test("miss then hit; stable strong ETag; public Cache-Control; sorted query shares the entry")
    func missThenHit() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let app = Self.makeApp(cache: ResponseCache(redis: client), calls: calls)

        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/v1/sports?b=2&a=1", method: .get)
            #expect(first.status == .ok)
            #expect(first.headers[Self.xCache] == "miss")
            #expect(first.headers[.cacheControl] == "public, max-age=60")
            let etag = try #require(first.headers[.eTag])
            #expect(etag == EntityTag.strong(for: Array(first.body.readableBytesView)))

            let second = try await client.execute(uri: "/v1/sports?a=1&b=2", method: .get)
            #expect(second.status == .ok)
            #expect(second.headers[Self.xCache] == "hit")
            #expect(second.headers[.eTag] == etag)
            #expect(second.headers[.contentType] == "application/json")
            #expect(second.headers[.cacheControl] == "public, max-age=60")
            #expect(RLTestSupport.bodyString(second) == RLTestSupport.bodyString(first))

            let head = try await client.execute(uri: "/v1/sports?a=1&b=2", method: .head)
            #expect(head.status == .ok && head.headers[Self.xCache] == "hit" && head.body.readableBytes == 0)

            let other = try await client.execute(uri: "/v1/other", method: .get)
            #expect(other.headers[Self.xCache] == nil && other.headers[.eTag] == nil)

            // HEAD on a miss: no body, and it does not fill the entry.
            let headMiss = try await client.execute(uri: "/v1/sports?head=1", method: .head)
            #expect(headMiss.status == .ok && headMiss.headers[Self.xCache] == "miss" && headMiss.body.readableBytes == 0)
            #expect(headMiss.headers[.eTag] != nil)
            #expect(try await client.execute(uri: "/v1/sports?head=1", method: .get).headers[Self.xCache] == "miss")
        }
        #expect(calls["sports"] == 3)
    }

    @Test("a body written in several parts is stored whole and tagged as one; a tag is the same from bytes or a buffer")
    func bodyInParts() async throws {
        for body in ["", "x", String(repeating: "odds ", count: 5_000)] {
            #expect(EntityTag.strong(for: ByteBuffer(string: body)) == EntityTag.strong(for: Array(body.utf8)))
        }
        #expect(EntityTag.strong(for: ByteBuffer()) == "\"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU\"")
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let app = Self.makeApp(cache: ResponseCache(redis: client), calls: calls)
        try await app.test(.router) { client in
            let whole = #"{"parts":["a","b"]}"#
            let first = try await client.execute(uri: "/v1/sports/streamed", method: .get)
            #expect(first.headers[Self.xCache] == "miss")
            #expect(RLTestSupport.bodyString(first) == whole)
            #expect(first.headers[.eTag] == EntityTag.strong(for: Array(whole.utf8)))
            let second = try await client.execute(uri: "/v1/sports/streamed", method: .get)
            #expect(second.headers[Self.xCache] == "hit")
            #expect(RLTestSupport.bodyString(second) == whole)
            #expect(second.headers[.eTag] == first.headers[.eTag])
        }
        #expect(calls["streamed"] == 1)
    }

    @Test("switched off (MONPS_RESPONSE_CACHE=false): every request runs the handler, nothing stored, ETag/304 kept")
    func switchedOff() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let cache = ResponseCache(redis: client)
        let app = Self.makeApp(cache: cache, calls: calls, sharesEntries: false)

        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/v1/sports", method: .get)
            #expect(first.status == .ok && first.headers[Self.xCache] == "bypass")
            #expect(first.headers[.cacheControl] == "public, max-age=60")
            let etag = try #require(first.headers[.eTag])
            let second = try await client.execute(uri: "/v1/sports", method: .get)
            #expect(second.headers[Self.xCache] == "bypass" && second.headers[.eTag] == etag)
            let revalidated = try await client.execute(
                uri: "/v1/sports", method: .get, headers: Self.headers([(.ifNoneMatch, etag)]))
            #expect(revalidated.status == .notModified)
        }
        #expect(calls["sports"] == 3)
        #expect(try await cache.get("GET /v1/sports?", tags: ["sports"]) == nil)
    }

    @Test("If-None-Match → 304 with ETag and an empty body, on hits and misses")
    func notModified() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let app = Self.makeApp(cache: ResponseCache(redis: client), calls: calls)

        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/v1/sports", method: .get)
            let etag = try #require(first.headers[.eTag])
            for condition in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let response = try await client.execute(
                    uri: "/v1/sports", method: .get, headers: Self.headers([(.ifNoneMatch, condition)]))
                #expect(response.status == .notModified)
                #expect(response.headers[.eTag] == etag)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[Self.xCache] == "hit")
            }
            let changed = try await client.execute(
                uri: "/v1/sports", method: .get, headers: Self.headers([(.ifNoneMatch, "\"stale\"")]))
            #expect(changed.status == .ok && changed.body.readableBytes > 0)
        }
        #expect(calls["sports"] == 1)
    }

    @Test("invalidate(tag) → the next request misses; non-200s are never cached")
    func invalidationAndErrors() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let cache = ResponseCache(redis: client)
        let app = Self.makeApp(cache: cache, calls: calls)

        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/v1/sports", method: .get)
            #expect(try await client.execute(uri: "/v1/sports", method: .get).headers[Self.xCache] == "hit")
            try await cache.invalidate(tag: "sports")
            let afterInvalidation = try await client.execute(
                uri: "/v1/sports", method: .get, headers: Self.headers([(.ifNoneMatch, "*")]))
            #expect(afterInvalidation.headers[Self.xCache] == "miss")
            #expect(afterInvalidation.status == .notModified)
            #expect(try await client.execute(uri: "/v1/sports", method: .get).headers[Self.xCache] == "hit")

            for _ in 0..<2 {
                let missing = try await client.execute(uri: "/v1/sports/missing", method: .get)
                #expect(missing.status == .notFound)
                #expect(missing.headers[Self.xCache] == "miss")
                #expect(missing.headers[.eTag] == nil && missing.headers[.cacheControl] == nil)
            }
            // Over the body cap: served, not stored.
            for _ in 0..<2 {
                let big = try await client.execute(uri: "/v1/big", method: .get)
                #expect(big.status == .ok && big.body.readableBytes == 100 && big.headers[Self.xCache] == "bypass")
            }
        }
        #expect(calls["sports"] == 2)
        #expect(calls["missing"] == 2)
        #expect(calls["big"] == 2)
    }

    @Test("per-principal data is never shared; credentialed requests never fill shared entries")
    func perPrincipal() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let client = try RLTestSupport.client(server)
        defer { client.shutdown() }
        let calls = Calls()
        let app = Self.makeApp(cache: ResponseCache(redis: client), calls: calls)

        try await app.test(.router) { client in
            let alice = Self.headers([(.authorization, "Bearer alice")])
            let bob = Self.headers([(.authorization, "Bearer bob")])
            let a1 = try await client.execute(uri: "/v1/me", method: .get, headers: alice)
            let b1 = try await client.execute(uri: "/v1/me", method: .get, headers: bob)
            let a2 = try await client.execute(uri: "/v1/me", method: .get, headers: alice)
            #expect(RLTestSupport.bodyString(a1) == "me=Bearer alice")
            #expect(RLTestSupport.bodyString(b1) == "me=Bearer bob")
            #expect(RLTestSupport.bodyString(a2) == "me=Bearer alice")
            for response in [a1, b1, a2] {
                #expect(response.headers[Self.xCache] == "bypass")
                #expect(response.headers[.cacheControl] == "private, no-cache")
                #expect(response.headers[.vary] == "Authorization")
            }
            #expect(a1.headers[.eTag] != b1.headers[.eTag])
            // Revalidation by ETag still works per principal.
            let etag = try #require(a1.headers[.eTag])
            let revalidated = try await client.execute(
                uri: "/v1/me", method: .get, headers: Self.headers([(.authorization, "Bearer alice"), (.ifNoneMatch, etag)]))
            #expect(revalidated.status == .notModified)
            let otherUser = try await client.execute(
                uri: "/v1/me", method: .get, headers: Self.headers([(.authorization, "Bearer bob"), (.ifNoneMatch, etag)]))
            #expect(otherUser.status == .ok && RLTestSupport.bodyString(otherUser) == "me=Bearer bob")

            // Shared route: a credentialed request may not fill the entry; an anonymous one does.
            let credentialed = try await client.execute(uri: "/v1/sports", method: .get, headers: alice)
            #expect(credentialed.headers[Self.xCache] == "miss")
            #expect(credentialed.headers[.cacheControl] == "private, no-cache")
            #expect(try await client.execute(uri: "/v1/sports", method: .get).headers[Self.xCache] == "miss")
            let hitWithCredentials = try await client.execute(uri: "/v1/sports", method: .get, headers: bob)
            #expect(hitWithCredentials.headers[Self.xCache] == "hit")
            #expect(hitWithCredentials.headers[.cacheControl] == "public, max-age=60")
        }
        #expect(calls["me"] == 5)
        #expect(calls["sports"] == 2)
    }

    @Test("Redis down → bypass, still 200 with ETag; counted in monps_cache_errors_total")
    func redisDown() async throws {
        let server = try await RedisServerProcess()
        let client = try RLTestSupport.client(server, poolSize: 2)
        defer { client.shutdown() }
        let calls = Calls()
        let metrics = RLCountingMetrics()
        let app = Self.makeApp(cache: ResponseCache(redis: client), calls: calls, metrics: metrics)

        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/v1/sports", method: .get).headers[Self.xCache] == "miss")
            server.stop()
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/v1/sports", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[Self.xCache] == "bypass")
                #expect(response.headers[.eTag] != nil)
                #expect(response.body.readableBytes > 0)
            }
        }
        #expect(calls["sports"] == 4)
        #expect(metrics.value("monps_cache_errors_total", [("component", "response_cache")]) == 3)
    }
}
