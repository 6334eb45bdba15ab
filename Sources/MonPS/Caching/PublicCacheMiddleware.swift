// Serves cacheable GETs from Redis, fills entries on 200s, and answers If-None-Match with 304.

import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

/// Response caching for the GET routes the lead marks cacheable (`cacheability` returns a policy).
///
/// - Shared policy: key `GET <path>?<query pairs sorted>`. Hit → served from Redis (`X-Cache: hit`).
///   Miss → the handler runs; a `200` whose body is at most `maximumBodyBytes` is stored (`X-Cache: miss`),
///   unless the request carried `Authorization`/`Cookie` (see `CachePolicy.fillFromCredentialedRequests`)
///   or the response has `Set-Cookie`, `Vary` or `Cache-Control: private|no-store`. `HEAD` is served from the
///   `GET` entry but never fills it. `Cache-Control: public, max-age=<ttl>` on hits and on shareable
///   responses; a response that was not shareable keeps the handler's `Cache-Control`, or gets
///   `private, no-cache`.
/// - Per-principal policy: never stored or looked up; ETag + 304 only; `Cache-Control: private, no-cache`,
///   `Vary: Authorization`, `X-Cache: bypass`.
/// - Every cacheable `200` gets a strong `ETag` (SHA-256 of the body, base64url) and `If-None-Match`
///   (lists, `*`, `W/` with weak comparison) is answered with `304` and an empty body.
/// - Redis failing: requests pass through (`X-Cache: bypass`), logged once, counted in
///   `monps_cache_errors_total`, Redis re-probed at most every `probeInterval` (`RedisFallbackGate`).
/// - Requests not marked cacheable, and thrown errors, pass through untouched.
///
/// Bodies of unknown length are collected whole before the ETag can be computed; public routes produce
/// bounded JSON, but do not mark streaming routes cacheable. Bodies with a known length over the cap pass
/// through untouched (no ETag).
struct PublicCacheMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let xCache = HTTPField.Name("X-Cache")!

    let cache: ResponseCache
    let gate: RedisFallbackGate
    let maximumBodyBytes: Int
    /// False (`MONPS_RESPONSE_CACHE=false`): shared entries are neither looked up nor stored — every request
    /// runs its handler (`X-Cache: bypass`) — while ETags, 304s and `Cache-Control` stay as they are.
    let sharesEntries: Bool
    let cacheability: @Sendable (Request) -> CachePolicy?

    init(
        cache: ResponseCache,
        sharesEntries: Bool = true,
        maximumBodyBytes: Int = 1 << 20,
        probeInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "monps.cache"),
        metricsFactory: (any MetricsFactory)? = nil,
        cacheability: @escaping @Sendable (Request) -> CachePolicy?
    ) {
        self.cache = cache
        self.maximumBodyBytes = maximumBodyBytes
        self.sharesEntries = sharesEntries
        self.cacheability = cacheability
        self.gate = RedisFallbackGate(
            component: "response_cache", counterLabel: "monps_cache_errors_total", probeInterval: probeInterval,
            fallbackDescription: "passes requests through uncached", logger: logger, metricsFactory: metricsFactory)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head, let policy = cacheability(request) else {
            return try await next(request, context)
        }
        if policy.varyByPrincipal || !sharesEntries {
            let response = try await next(request, context)
            return try await finish(response, request: request, policy: policy, status: "bypass")
        }

        let key = Self.cacheKey(for: request)
        let cache = self.cache
        let lookup: ResponseCacheLookup? = await gate.run {
            try await cache.lookup(key, tags: policy.tags)
        } fallback: {
            nil
        }
        switch lookup {
        case .hit(let cached):
            return respond(with: cached, request: request, policy: policy)
        case .miss(let ticket):
            let response = try await next(request, context)
            return try await finish(response, request: request, policy: policy, status: "miss", ticket: ticket)
        case nil:
            let response = try await next(request, context)
            return try await finish(response, request: request, policy: policy, status: "bypass")
        }
    }

    /// ETag/304 and cache headers for a response the handler produced; stores it when `ticket` is given and
    /// the response qualifies.
    private func finish(
        _ response: Response, request: Request, policy: CachePolicy, status: String, ticket: ResponseCacheTicket? = nil
    ) async throws -> Response {
        var response = response
        response.headers[Self.xCache] = status
        guard response.status == .ok else { return response }
        if let length = response.body.contentLength, length > maximumBodyBytes {
            response.headers[Self.xCache] = "bypass"
            return response
        }
        let body = try await Self.collect(response.body)
        let cached = CachedResponse(
            status: 200, contentType: response.headers[.contentType], buffer: body, etag: EntityTag.strong(for: body))
        let shareable = isShareable(response, request: request, policy: policy)
        if let ticket, request.method == .get, body.readableBytes <= maximumBodyBytes, shareable {
            let cache = self.cache
            await gate.run {
                try await cache.store(cached, ticket: ticket, ttl: policy.ttl)
            } fallback: {}
        } else if status == "miss" && body.readableBytes > maximumBodyBytes {
            response.headers[Self.xCache] = "bypass"
        }
        response.headers[.eTag] = cached.etag
        if policy.varyByPrincipal || shareable {
            Self.applyCacheControl(policy, to: &response.headers)
        } else if response.headers[.cacheControl] == nil {
            // Produced for a credentialed request (or marked private by the handler): not for shared caches.
            response.headers[.cacheControl] = "private, no-cache"
        }
        if let condition = request.headers[.ifNoneMatch], EntityTag.ifNoneMatch(condition, matches: cached.etag) {
            return Self.notModified(response.headers)
        }
        if request.method == .head {
            response.headers[.contentLength] = String(body.readableBytes)
            response.body = ResponseBody()
        } else {
            response.body = ResponseBody(byteBuffer: cached.buffer)  // the stored copy: no second one
        }
        return response
    }

    private func respond(with cached: CachedResponse, request: Request, policy: CachePolicy) -> Response {
        var headers = HTTPFields()
        if let contentType = cached.contentType { headers[.contentType] = contentType }
        headers[.eTag] = cached.etag
        headers[Self.xCache] = "hit"
        Self.applyCacheControl(policy, to: &headers)
        if let condition = request.headers[.ifNoneMatch], EntityTag.ifNoneMatch(condition, matches: cached.etag) {
            return Self.notModified(headers)
        }
        if request.method == .head {
            headers[.contentLength] = String(cached.buffer.readableBytes)
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        return Response(
            status: HTTPResponse.Status(code: cached.status), headers: headers, body: ResponseBody(byteBuffer: cached.buffer))
    }

    /// Whether a shared-policy response may go to the shared entry and be marked `public`: not produced for a
    /// credentialed request (unless the policy allows it), no `Set-Cookie`/`Vary`, not `private`/`no-store`.
    private func isShareable(_ response: Response, request: Request, policy: CachePolicy) -> Bool {
        if policy.varyByPrincipal { return false }
        if !policy.fillFromCredentialedRequests,
            request.headers[.authorization] != nil || request.headers[.cookie] != nil
        {
            return false
        }
        if response.headers[.setCookie] != nil || response.headers[.vary] != nil { return false }
        let directives = response.headers[values: .cacheControl].joined(separator: ",").lowercased()
        return !directives.contains("private") && !directives.contains("no-store")
    }

    /// 304: validators and cache headers only, no body (RFC 9110 §15.4.5).
    private static func notModified(_ headers: HTTPFields) -> Response {
        var kept = HTTPFields()
        for field in headers where field.name != .contentType && field.name != .contentLength {
            kept.append(field)
        }
        return Response(status: .notModified, headers: kept, body: ResponseBody())
    }

    private static func applyCacheControl(_ policy: CachePolicy, to headers: inout HTTPFields) {
        if policy.varyByPrincipal {
            headers[.cacheControl] = "private, no-cache"
            headers[.vary] = "Authorization"
        } else if policy.fillFromCredentialedRequests {
            // Shared in our Redis, but the route needs credentials: no proxy may keep it for others.
            headers[.cacheControl] = "private, max-age=\(RateLimitDecision.ceilingSeconds(policy.ttl))"
        } else {
            headers[.cacheControl] = "public, max-age=\(RateLimitDecision.ceilingSeconds(policy.ttl))"
        }
    }

    /// `GET <path>?<query pairs sorted>` (HEAD shares GET's entry; encoding of the pairs kept as sent).
    static func cacheKey(for request: Request) -> String {
        let query = request.uri.query.map { $0.split(separator: "&").sorted().joined(separator: "&") } ?? ""
        return "GET \(request.uri.path)?\(query)"
    }

    /// The whole body in one buffer: the handler's own when it wrote a single one (no copy).
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await body.write(collector)
        return collector.buffer ?? ByteBuffer()
    }
}

/// A `ResponseBodyWriter` that keeps what is written.
private final class BodyCollector: ResponseBodyWriter {
    var buffer: ByteBuffer?

    func write(_ written: ByteBuffer) async throws {
        if buffer == nil {
            buffer = written
        } else {
            var written = written
            buffer!.writeBuffer(&written)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
