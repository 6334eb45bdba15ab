// Shared HTTP response cache in Redis with O(1) tag invalidation by version counters.

/// The result of a lookup: a hit, or a miss with the ticket to fill the entry.
public enum ResponseCacheLookup: Sendable, Equatable {
    case hit(CachedResponse)
    case miss(ResponseCacheTicket)
}

/// Where and under which tag versions to store a response computed after a miss. The versions are those
/// read *before* the response was computed, so an invalidation that happens meanwhile makes the stored
/// entry stale at once instead of letting it outlive the invalidation.
public struct ResponseCacheTicket: Sendable, Equatable {
    let entryKey: String
    let versions: String
}

/// Response cache in Redis.
///
/// - Entry `<namespace>e:<hex SHA-256 of the cache key>`: a string `<tag versions>\n<status>\n<content
///   type>\n<etag>\n<body>` with the entry's TTL (binary-safe, one `SET … PX`).
/// - Tag version `<namespace>t:<tag>`: an opaque unique value (`<redis time>.<sequence>`), replaced by
///   `invalidate(tag:)`. An entry is served only if the versions it was stored with equal the current
///   versions of its tags, so invalidating a tag is one write however many entries carry it; stale entries
///   simply expire. A version key that disappears (eviction, `FLUSHDB`) is recreated with a fresh unique
///   value, which also invalidates — never resurrects — older entries.
/// - Lookups are one `EVALSHA`; stores one `SET`; invalidation one `EVALSHA`.
///
/// Errors are the client's `RedisError`s; `PublicCacheMiddleware` turns them into a bypass.
public struct ResponseCache: Sendable {
    public let redis: RedisClient
    public let namespace: String

    public init(redis: RedisClient, namespace: String = "cache:") {
        self.redis = redis
        self.namespace = namespace
    }

    public func lookup(_ key: String, tags: [String] = []) async throws -> ResponseCacheLookup {
        let (cached, ticket) = try await fetch(key, tags: tags)
        return cached.map { .hit($0) } ?? .miss(ticket)
    }

    /// The fresh entry, if any, and the ticket to (re)store it under the current tag versions.
    private func fetch(_ key: String, tags: [String]) async throws -> (CachedResponse?, ResponseCacheTicket) {
        let entryKey = self.entryKey(for: key)
        let reply = try await redis.evalScript(
            Self.lookupScript, keys: [sequenceKey, entryKey] + Self.normalised(tags).map(tagKey))
        guard let parts = reply.array, parts.count >= 2, let hit = parts[0].integer, let versions = parts[1].string else {
            throw RedisError.protocolError("unexpected reply from the cache lookup script: \(reply)")
        }
        let ticket = ResponseCacheTicket(entryKey: entryKey, versions: versions)
        guard hit == 1, parts.count == 3, let bytes = parts[2].bytes else { return (nil, ticket) }
        return (CachedResponse.decode(bytes), ticket)
    }

    public func store(_ response: CachedResponse, ticket: ResponseCacheTicket, ttl: Duration) async throws {
        guard ttl > .zero else { return }
        try await redis.set(ticket.entryKey, value: response.encoded(versions: ticket.versions), ttl: ttl)
    }

    /// The current entry, if fresh.
    public func get(_ key: String, tags: [String] = []) async throws -> CachedResponse? {
        if case .hit(let response) = try await lookup(key, tags: tags) { return response }
        return nil
    }

    /// Stores `response` under `key` for `ttl`, valid until one of `tags` is invalidated.
    public func put(_ key: String, _ response: CachedResponse, ttl: Duration, tags: [String] = []) async throws {
        let (_, ticket) = try await fetch(key, tags: tags)
        try await store(response, ticket: ticket, ttl: ttl)
    }

    /// Makes every entry stored with `tag` stale (O(1)).
    public func invalidate(tag: String) async throws {
        _ = try await redis.evalScript(Self.invalidateScript, keys: [sequenceKey, tagKey(tag)])
    }

    /// Removes the entry of `key` (whatever its tags).
    public func remove(_ key: String) async throws {
        _ = try await redis.del(entryKey(for: key))
    }

    // MARK: - Keys

    /// The Redis key of `key`'s entry (without the client's prefix).
    public func entryKey(for key: String) -> String {
        namespace + "e:" + Hex.encode(CryptoPrimitives.sha256(key))
    }

    func tagKey(_ tag: String) -> String { namespace + "t:" + tag }

    var sequenceKey: String { namespace + "seq" }

    static func normalised(_ tags: [String]) -> [String] { Array(Set(tags)).sorted() }

    // MARK: - Scripts

    /// KEYS[1] sequence, KEYS[2] entry, KEYS[3…] tag versions. Creates missing tag versions (fresh unique
    /// values). Returns {1, versions, entry} on a fresh hit, {0, versions} otherwise.
    static let lookupScript = RedisScript(
        """
        local versions = {}
        for i = 3, #KEYS do
          local version = redis.call('GET', KEYS[i])
          if not version then
            local clock = redis.call('TIME')
            version = clock[1] .. '.' .. clock[2] .. '.' .. redis.call('INCR', KEYS[1])
            redis.call('SET', KEYS[i], version)
          end
          versions[#versions + 1] = version
        end
        local current = table.concat(versions, ',')
        local entry = redis.call('GET', KEYS[2])
        if entry then
          local newline = string.find(entry, '\\n', 1, true)
          if newline and string.sub(entry, 1, newline - 1) == current then
            return {1, current, entry}
          end
        end
        return {0, current}
        """)

    /// KEYS[1] sequence, KEYS[2] tag version. Sets a fresh unique version.
    static let invalidateScript = RedisScript(
        """
        local clock = redis.call('TIME')
        local version = clock[1] .. '.' .. clock[2] .. '.' .. redis.call('INCR', KEYS[1])
        redis.call('SET', KEYS[2], version)
        return version
        """)
}
