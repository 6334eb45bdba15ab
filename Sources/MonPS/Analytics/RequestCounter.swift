import Foundation
import Synchronization

/// Counts API requests per principal × route class × minute for `GET /v1/admin/analytics`.
///
/// The hot path only bumps an in-process dictionary under a mutex; at most once a second a request hands the counts
/// gathered so far to one Redis round trip (a Lua script of `HINCRBY`s and `EXPIRE`s on one hash per minute). A
/// process that stops loses at most a second of counts: these are usage figures, not billing.
final class RequestCounter: Sendable {
    /// Minute buckets live this long in Redis (the admin view reads at most 48 hours back).
    static let retention: Duration = .seconds(2 * 86_400)
    static let flushInterval: TimeInterval = 1

    private struct State {
        /// minute (epoch seconds / 60) → "principal|route_class" → requests.
        var pending: [Int64: [String: Int64]] = [:]
        var lastFlush = Date.distantPast
    }

    private let state = Mutex(State())
    private let redis: RedisClient
    private let now: @Sendable () -> Date

    init(redis: RedisClient, now: @escaping @Sendable () -> Date) {
        self.redis = redis
        self.now = now
    }

    static func key(minute: Int64) -> String { "analytics:requests:\(minute)" }

    /// Counts one request; starts a flush when the last one is over a second old.
    func record(principal: String, routeClass: String) {
        let time = now()
        let minute = Int64(time.timeIntervalSince1970 / 60)
        let due = state.withLock { state -> Bool in
            state.pending[minute, default: [:]]["\(principal)|\(routeClass)", default: 0] += 1
            guard time.timeIntervalSince(state.lastFlush) >= Self.flushInterval else { return false }
            state.lastFlush = time
            return true
        }
        if due { Task { try? await self.flush() } }
    }

    /// Writes the pending counts to Redis (one round trip). Counts that fail to reach Redis are dropped.
    func flush() async throws {
        let batch = state.withLock { state in
            defer { state.pending = [:] }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        var keys: [String] = [], args: [String] = [String(Int64(Self.retention.components.seconds))]
        for (minute, counts) in batch {
            keys.append(Self.key(minute: minute))  // evalScript adds the key prefix
            args.append(String(counts.count))
            for (field, count) in counts { args += [field, String(count)] }
        }
        _ = try await redis.evalScript(Self.script, keys: keys, args: args)
    }

    /// Sums of the minute hashes from `since` to now: "principal|route_class" → requests.
    func totals(since: Date) async throws -> [String: Int64] {
        try await flush()
        let first = Int64(since.timeIntervalSince1970 / 60), last = Int64(now().timeIntervalSince1970 / 60)
        // One round trip: the script sums the minute hashes (up to 2,880 for 48 hours) on the server.
        let keys = (first...max(first, last)).map { Self.key(minute: $0) }
        guard case .array(let items) = try await redis.evalScript(Self.sumScript, keys: keys) else { return [:] }
        var totals: [String: Int64] = [:]
        for pair in stride(from: 0, to: items.count - 1, by: 2) {
            guard let field = items[pair].string, let count = items[pair + 1].string.flatMap({ Int64($0) }) else { continue }
            totals[field, default: 0] += count
        }
        return totals
    }

    /// Field/total pairs summed over every key.
    static let sumScript = RedisScript(
        """
        local totals, order = {}, {}
        for k = 1, #KEYS do
          local pairs = redis.call('HGETALL', KEYS[k])
          for i = 1, #pairs, 2 do
            local field = pairs[i]
            if totals[field] == nil then totals[field] = 0; order[#order + 1] = field end
            totals[field] = totals[field] + tonumber(pairs[i + 1])
          end
        end
        local out = {}
        for _, field in ipairs(order) do out[#out + 1] = field; out[#out + 1] = tostring(totals[field]) end
        return out
        """)

    /// ARGV[1] = TTL seconds; then per key: the number of fields, then field/count pairs.
    static let script = RedisScript(
        """
        local ttl = tonumber(ARGV[1])
        local at = 2
        for k = 1, #KEYS do
          local n = tonumber(ARGV[at]); at = at + 1
          for _ = 1, n do
            redis.call('HINCRBY', KEYS[k], ARGV[at], ARGV[at + 1]); at = at + 2
          end
          redis.call('EXPIRE', KEYS[k], ttl)
        end
        return 1
        """)
}
