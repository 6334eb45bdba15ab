// Storage of LoginThrottle: Redis (atomic scripts) and in-process (fallback).

import Synchronization

/// Keys `<namespace>fail:<id>` (failure count, expires `failureMemory` after the last failure) and
/// `<namespace>lock:<id>` (present while locked, expires when the lock ends).
struct RedisLoginThrottleStore: LoginThrottleStore {
    let redis: RedisClient
    let namespace: String

    func failKey(_ id: String) -> String { namespace + "fail:" + id }
    func lockKey(_ id: String) -> String { namespace + "lock:" + id }

    func lockRemaining(ids: [String]) async throws -> Int64 {
        let reply = try await redis.evalScript(Self.checkScript, keys: ids.map(lockKey))
        guard let milliseconds = reply.integer else { throw RedisError.protocolError("login check script: \(reply)") }
        return milliseconds
    }

    func recordFailure(_ subjects: [LoginThrottleSubject], policy: LoginThrottlePolicy) async throws -> Int64 {
        let keys = subjects.flatMap { [failKey($0.id), lockKey($0.id)] }
        let args =
            [String(policy.baseMilliseconds), String(policy.maximumMilliseconds), String(policy.memoryMilliseconds)]
            + subjects.map { String($0.threshold) }
        let reply = try await redis.evalScript(Self.recordScript, keys: keys, args: args)
        guard let milliseconds = reply.integer else { throw RedisError.protocolError("login failure script: \(reply)") }
        return milliseconds
    }

    func clear(ids: [String]) async throws {
        _ = try await redis.del(ids.flatMap { [failKey($0), lockKey($0)] })
    }

    /// KEYS: lock keys. Returns the longest remaining lock in ms (0 if none).
    static let checkScript = RedisScript(
        """
        local wait = 0
        for i = 1, #KEYS do
          local ttl = redis.call('PTTL', KEYS[i])
          if ttl > wait then wait = ttl end
        end
        return wait
        """)

    /// KEYS: fail1, lock1, fail2, lock2, …; ARGV: base ms, maximum ms, memory ms, threshold1, threshold2, …
    /// Mirrors `LoginThrottlePolicy.lockoutMilliseconds`. Returns the longest remaining lock in ms.
    static let recordScript = RedisScript(
        """
        local base = tonumber(ARGV[1])
        local cap = tonumber(ARGV[2])
        local memory = tonumber(ARGV[3])
        local wait = 0
        for i = 1, #KEYS, 2 do
          local threshold = tonumber(ARGV[3 + (i + 1) / 2])
          local failures = redis.call('INCR', KEYS[i])
          redis.call('PEXPIRE', KEYS[i], memory)
          if failures >= threshold then
            local lock = base
            for _ = 1, failures - threshold do
              if lock >= cap then break end
              lock = lock * 2
            end
            if lock > cap then lock = cap end
            redis.call('SET', KEYS[i + 1], failures, 'PX', lock)
          end
          local ttl = redis.call('PTTL', KEYS[i + 1])
          if ttl > wait then wait = ttl end
        end
        return wait
        """)
}

/// The same bookkeeping in memory, on the monotonic clock; bounded to `maximumEntries` (expired entries are
/// swept when full; if still full, arbitrary entries are dropped).
final class InProcessLoginThrottleStore: LoginThrottleStore {
    private struct Entry {
        var failures: Int
        var forgetAt: Int64
        var lockedUntil: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let maximumEntries: Int
    private let origin = ContinuousClock.now
    private let now: @Sendable () -> Int64

    init(maximumEntries: Int = 100_000, now: (@Sendable () -> Int64)? = nil) {
        self.maximumEntries = max(1, maximumEntries)
        let origin = self.origin
        self.now =
            now ?? {
                let (seconds, attoseconds) = (ContinuousClock.now - origin).components
                return seconds * 1000 + attoseconds / 1_000_000_000_000_000
            }
    }

    func lockRemaining(ids: [String]) async throws -> Int64 { lockRemainingNow(ids: ids) }

    func recordFailure(_ subjects: [LoginThrottleSubject], policy: LoginThrottlePolicy) async throws -> Int64 {
        recordFailureNow(subjects, policy: policy)
    }

    func clear(ids: [String]) async throws { clearNow(ids: ids) }

    func lockRemainingNow(ids: [String]) -> Int64 {
        let now = self.now()
        return entries.withLock { entries in
            ids.reduce(0) { wait, id in max(wait, (entries[id]?.lockedUntil ?? now) - now) }
        }
    }

    func recordFailureNow(_ subjects: [LoginThrottleSubject], policy: LoginThrottlePolicy) -> Int64 {
        let now = self.now()
        let maximum = maximumEntries
        return entries.withLock { entries in
            var wait: Int64 = 0
            for subject in subjects {
                var entry = entries[subject.id].flatMap { $0.forgetAt > now ? $0 : nil } ?? Entry(failures: 0, forgetAt: now, lockedUntil: now)
                entry.failures += 1
                entry.forgetAt = now + policy.memoryMilliseconds
                if let lock = policy.lockoutMilliseconds(failures: entry.failures, threshold: subject.threshold) {
                    entry.lockedUntil = now + lock
                }
                if entries[subject.id] == nil && entries.count >= maximum { Self.makeRoom(&entries, now: now, maximum: maximum) }
                entries[subject.id] = entry
                wait = max(wait, entry.lockedUntil - now)
            }
            return wait
        }
    }

    func clearNow(ids: [String]) {
        entries.withLock { entries in
            for id in ids { entries[id] = nil }
        }
    }

    var entryCount: Int { entries.withLock { $0.count } }

    private static func makeRoom(_ entries: inout [String: Entry], now: Int64, maximum: Int) {
        entries = entries.filter { $0.value.forgetAt > now || $0.value.lockedUntil > now }
        var excess = entries.count - maximum * 9 / 10
        for id in entries.keys where excess > 0 {
            entries[id] = nil
            excess -= 1
        }
    }
}
