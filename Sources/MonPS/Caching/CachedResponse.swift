// What the response cache stores, how a route is cached, and entity tags.

import NIOCore

/// A stored `200` response: status, content type, body and its strong ETag.
public struct CachedResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    /// The body, ready to send: responses share its storage, so serving a cached body copies nothing.
    public var buffer: ByteBuffer
    /// Quoted strong entity tag, e.g. `"q1w2…"` (SHA-256 of the body, base64url).
    public var etag: String

    public init(status: Int = 200, contentType: String?, body: [UInt8], etag: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.buffer = ByteBuffer(bytes: body)
        self.etag = etag ?? EntityTag.strong(for: body)
    }

    init(status: Int, contentType: String?, buffer: ByteBuffer, etag: String) {
        self.status = status
        self.contentType = contentType
        self.buffer = buffer
        self.etag = etag
    }

    public var body: [UInt8] { Array(buffer.readableBytesView) }

    /// `<status>\n<content type>\n<etag>\n<body>` (after the versions line the cache prepends).
    func encoded(versions: String) -> [UInt8] {
        var bytes = Array("\(versions)\n\(status)\n\(contentType ?? "")\n\(etag)\n".utf8)
        bytes.append(contentsOf: buffer.readableBytesView)
        return bytes
    }

    /// Parses `encoded(versions:)`; nil when malformed.
    static func decode(_ bytes: [UInt8]) -> CachedResponse? {
        var lines: [String] = []
        var index = bytes.startIndex
        while lines.count < 4 {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            lines.append(String(decoding: bytes[index..<newline], as: UTF8.self))
            index = newline + 1
        }
        guard let status = Int(lines[1]), (100...599).contains(status), lines[3].hasPrefix("\"") else { return nil }
        return CachedResponse(
            status: status, contentType: lines[2].isEmpty ? nil : lines[2], buffer: ByteBuffer(bytes: bytes[index...]),
            etag: lines[3])
    }
}

/// How the lead marks a route cacheable (`PublicCacheMiddleware.cacheability`).
public struct CachePolicy: Sendable, Equatable {
    /// Lifetime of the shared entry, and `max-age` of shared responses.
    public var ttl: Duration
    /// Invalidation tags (`ResponseCache.invalidate(tag:)`), e.g. `["sports"]`.
    public var tags: [String]
    /// True for per-user data: never stored in or served from the shared cache; only revalidated by ETag
    /// (`Cache-Control: private, no-cache`, `Vary: Authorization`). The handler runs every time, so its
    /// authentication and authorisation always apply.
    public var varyByPrincipal: Bool
    /// Shared entries are filled only from requests without `Authorization`/`Cookie` unless this is true: a
    /// route marked shared by mistake can then at worst serve the anonymous view to signed-in users, never
    /// one user's data to another. Set it only for routes whose response never depends on the caller.
    public var fillFromCredentialedRequests: Bool

    public init(ttl: Duration, tags: [String] = [], varyByPrincipal: Bool = false, fillFromCredentialedRequests: Bool = false) {
        self.ttl = ttl
        self.tags = tags
        self.varyByPrincipal = varyByPrincipal
        self.fillFromCredentialedRequests = fillFromCredentialedRequests
    }

    /// A shared (public) entry.
    public static func shared(ttl: Duration, tags: [String] = [], fillFromCredentialedRequests: Bool = false) -> CachePolicy {
        CachePolicy(ttl: ttl, tags: tags, varyByPrincipal: false, fillFromCredentialedRequests: fillFromCredentialedRequests)
    }

    /// Per-principal data: ETag revalidation only.
    public static let perPrincipal = CachePolicy(ttl: .zero, tags: [], varyByPrincipal: true)
}

/// Entity tags (RFC 9110 §8.8.3) and `If-None-Match` evaluation.
public enum EntityTag {
    /// `"<base64url(SHA-256(body))>"`.
    public static func strong(for body: [UInt8]) -> String {
        "\"" + Base64URL.encode(CryptoPrimitives.sha256(body)) + "\""
    }

    /// The same tag of a body in a buffer, hashed where it lies.
    public static func strong(for body: ByteBuffer) -> String {
        "\"" + Base64URL.encode(body.withUnsafeReadableBytes { CryptoPrimitives.sha256($0) }) + "\""
    }

    /// Whether `If-None-Match: <header>` matches the current representation's `etag` (weak comparison, as
    /// RFC 9110 §13.1.2 requires): `*`, or any listed tag whose opaque part equals `etag`'s, `W/` ignored.
    public static func ifNoneMatch(_ header: String, matches etag: String) -> Bool {
        let current = opaque(etag)
        return parseList(header).contains { $0 == "*" || opaque($0) == current }
    }

    /// The list members: `*` or entity tags (`"x"` / `W/"x"`), skipping malformed members.
    static func parseList(_ header: String) -> [String] {
        var tags: [String] = []
        var rest = Substring(header)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard !rest.isEmpty else { return tags }
            if rest.hasPrefix("*") {
                tags.append("*")
                rest = rest.dropFirst()
                continue
            }
            let weak = rest.hasPrefix("W/")
            let body = weak ? rest.dropFirst(2) : rest
            guard body.hasPrefix("\""), let close = body.dropFirst().firstIndex(of: "\"") else {
                // Malformed member: skip to the next comma.
                guard let comma = rest.firstIndex(of: ",") else { return tags }
                rest = rest[comma...]
                continue
            }
            tags.append((weak ? "W/" : "") + String(body[body.startIndex...close]))
            rest = body[body.index(after: close)...]
        }
    }

    /// The quoted opaque tag without a `W/` prefix.
    static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}
