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
/// - With a `NearCache` (kept in sync by `NearCacheSync` in the server), hits are copied in process and
///   served from there without Redis; invalidations and removals are published on
///   `<namespace>invalidations` (in the same script, atomically with the version change) for every process.
///
/// Errors are the client's `RedisError`s; `PublicCacheMiddleware` turns them into a bypass.
public struct ResponseCache: Sendable {
    public let redis: RedisClient
    public let namespace: String
    let near: NearCache?

    public init(redis: RedisClient, namespace: String = "cache:") {
        self.init(redis: redis, namespace: namespace, near: nil)
    }

    init(redis: RedisClient, namespace: String = "cache:", near: NearCache?) {
        self.redis = redis
        self.namespace = namespace
        self.near = near
    }

    public func lookup(_ key: String, tags: [String] = []) async throws -> ResponseCacheLookup {
        if let copy = near?.response(for: key) { return .hit(copy) }
        let (cached, ticket) = try await fetch(key, tags: tags)
        return cached.map { .hit($0) } ?? .miss(ticket)
    }

    /// The fresh entry, if any, and the ticket to (re)store it under the current tag versions. A hit is copied
    /// into the near cache for the rest of its lifetime.
    private func fetch(_ key: String, tags: [String]) async throws -> (CachedResponse?, ResponseCacheTicket) {
        let entryKey = self.entryKey(for: key)
        let tags = Self.normalised(tags)
        let epoch = near?.currentEpoch()
        let reply = try await redis.evalScript(Self.lookupScript, keys: [sequenceKey, entryKey] + tags.map(tagKey))
        guard let parts = reply.array, parts.count >= 2, let hit = parts[0].integer, let versions = parts[1].string else {
            throw RedisError.protocolError("unexpected reply from the cache lookup script: \(reply)")
        }
        let ticket = ResponseCacheTicket(entryKey: entryKey, versions: versions)
        guard hit == 1, parts.count == 4, let bytes = parts[2].bytes, let cached = CachedResponse.decode(bytes) else {
            return (nil, ticket)
        }
        if let near, let epoch, let milliseconds = parts[3].integer, milliseconds > 0 {
            near.remember(key, cached, tags: tags, ttl: .milliseconds(milliseconds), epoch: epoch)
        }
        return (cached, ticket)
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
        near?.invalidate(tag: tag)
        _ = try await redis.evalScript(
            Self.invalidateScript, keys: [sequenceKey, tagKey(tag)],
            args: [redis.prefixed(invalidationChannel), NearCacheMessage.tag(tag).payload])
    }

    /// Removes the entry of `key` (whatever its tags).
    public func remove(_ key: String) async throws {
        near?.remove(key)
        _ = try await redis.evalScript(
            Self.removeScript, keys: [entryKey(for: key)],
            args: [redis.prefixed(invalidationChannel), NearCacheMessage.key(key).payload])
    }

    // MARK: - Keys

    /// The Redis key of `key`'s entry (without the client's prefix).
    public func entryKey(for key: String) -> String {
        namespace + "e:" + Hex.encode(CryptoPrimitives.sha256(key))
    }

    func tagKey(_ tag: String) -> String { namespace + "t:" + tag }

    var sequenceKey: String { namespace + "seq" }

    /// The channel (without the client's prefix) on which invalidations reach every process's near cache.
    var invalidationChannel: String { namespace + "invalidations" }

    static func normalised(_ tags: [String]) -> [String] { Array(Set(tags)).sorted() }

    // MARK: - Scripts

    /// KEYS[1] sequence, KEYS[2] entry, KEYS[3…] tag versions. Creates missing tag versions (fresh unique
    /// values). Returns {1, versions, entry, remaining lifetime in ms} on a fresh hit, {0, versions} otherwise.
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
            return {1, current, entry, redis.call('PTTL', KEYS[2])}
          end
        end
        return {0, current}
        """)

    /// KEYS[1] sequence, KEYS[2] tag version; ARGV[1] invalidation channel, ARGV[2] message. Sets a fresh
    /// unique version and tells the near caches.
    static let invalidateScript = RedisScript(
        """
        local clock = redis.call('TIME')
        local version = clock[1] .. '.' .. clock[2] .. '.' .. redis.call('INCR', KEYS[1])
        redis.call('SET', KEYS[2], version)
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return version
        """)

    /// KEYS[1] entry; ARGV[1] invalidation channel, ARGV[2] message. Deletes the entry and tells the near caches.
    static let removeScript = RedisScript(
        """
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return 1
        """)
}
