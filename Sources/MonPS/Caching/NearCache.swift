// In-process copies of shared cache entries, kept coherent with Redis by invalidation messages.

import NIOCore
import Prometheus
import Synchronization

/// What operators see of a process's near cache on `/metrics`.
struct NearCacheMetrics: Sendable {
    let hits: Counter
    let entries: Gauge
    let bytes: Gauge
    let live: Gauge

    init(registry: PrometheusCollectorRegistry) {
        hits = registry.makeCounter(
            name: "monps_cache_local_hits_total", help: "Cached responses served from this process's copies (no Redis)")
        entries = registry.makeGauge(name: "monps_cache_local_entries", help: "Copies of cache entries held by this process")
        bytes = registry.makeGauge(name: "monps_cache_local_bytes", help: "Bytes of the copies held by this process")
        live = registry.makeGauge(
            name: "monps_cache_local_live", help: "1 while the invalidation subscription is in place (copies served), else 0")
    }
}

/// The process's copies of recently served `ResponseCache` entries, so that a hot list is served without a
/// Redis round trip (Redis' "client-side caching" pattern, with our own invalidation channel).
///
/// Coherence rules:
/// - An entry is copied only from a Redis hit (whose tag versions Redis has just checked), and expires when
///   the Redis entry does (the lookup returns its remaining lifetime).
/// - Every tag invalidation and entry removal is published on a Redis channel (`ResponseCache`) and applied
///   here as soon as it arrives; the process that invalidates applies it at once.
/// - Copies are served only while the subscription is in place (`live`). Losing it (or messages dropped)
///   empties the store and stops serving copies until the subscription is back, since messages may have been
///   missed meanwhile. Before the first subscription nothing is served: a process without the sync service
///   (a CLI command) never uses its copies.
/// - A Redis hit is copied only if no invalidation arrived since its lookup started (`epoch`): one that
///   happened after Redis answered but was applied before the copy is stored would otherwise be lost.
///
/// Bounded by `maximumBytes` of bodies; the least recently used copies go first.
final class NearCache: Sendable {
    struct Entry {
        var response: CachedResponse
        var tags: [String]
        var expiresAt: ContinuousClock.Instant
        var lastUse: UInt64
        var size: Int
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var live = false
        /// Advanced by every invalidation, removal and reset.
        var epoch: UInt64 = 0
        var useCounter: UInt64 = 0

        /// Removes `key`'s copy, keeping `bytes` in step.
        mutating func drop(_ key: String) {
            if let old = entries.removeValue(forKey: key) { bytes -= old.size }
        }
    }

    let maximumBytes: Int
    private let state = Mutex(State())
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let metrics: NearCacheMetrics?

    init(
        maximumBytes: Int, metrics: NearCacheMetrics? = nil,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.maximumBytes = max(0, maximumBytes)
        self.metrics = metrics
        self.clock = clock
    }

    /// The copy of `key`, if the store is live and the copy has not expired.
    func response(for key: String) -> CachedResponse? {
        let now = clock()
        return state.withLock { state -> CachedResponse? in
            guard state.live, let entry = state.entries[key] else { return nil }
            guard entry.expiresAt > now else {
                state.drop(key)
                publish(state)
                return nil
            }
            state.useCounter &+= 1
            state.entries[key]?.lastUse = state.useCounter
            metrics?.hits.increment()
            return entry.response
        }
    }

    /// The epoch to hand back to `remember` after a Redis lookup; nil when copies are not kept (not live).
    func currentEpoch() -> UInt64? {
        state.withLock { $0.live ? $0.epoch : nil }
    }

    /// Keeps a copy of a Redis hit for `ttl`, unless anything was invalidated since `epoch` was read.
    func remember(_ key: String, _ response: CachedResponse, tags: [String], ttl: Duration, epoch: UInt64) {
        let size = response.buffer.readableBytes + key.utf8.count
        guard ttl > .zero, size <= maximumBytes else { return }
        let now = clock()
        let expiresAt = now + ttl
        state.withLock { state in
            guard state.live, state.epoch == epoch else { return }
            state.drop(key)
            Self.makeRoom(for: size, in: &state, maximumBytes: maximumBytes, now: now)
            state.useCounter &+= 1
            state.entries[key] = Entry(
                response: response, tags: tags, expiresAt: expiresAt, lastUse: state.useCounter, size: size)
            state.bytes += size
            publish(state)
        }
    }

    /// Drops the copies stored with `tag`.
    func invalidate(tag: String) {
        state.withLock { state in
            state.epoch &+= 1
            for (key, entry) in state.entries where entry.tags.contains(tag) { state.drop(key) }
            publish(state)
        }
    }

    /// Drops the copy of `key`.
    func remove(_ key: String) {
        state.withLock { state in
            state.epoch &+= 1
            state.drop(key)
            publish(state)
        }
    }

    /// Empties the store; copies are kept and served from now on only if `live`.
    func reset(live: Bool) {
        state.withLock { state in
            state.epoch &+= 1
            state.entries.removeAll()
            state.bytes = 0
            state.live = live
            publish(state)
        }
    }

    /// The gauges, set under the lock so that they never go backwards in time.
    private func publish(_ state: State) {
        guard let metrics else { return }
        metrics.entries.set(Double(state.entries.count))
        metrics.bytes.set(Double(state.bytes))
        metrics.live.set(state.live ? 1.0 : 0.0)
    }

    var isLive: Bool { state.withLock { $0.live } }

    /// Number of copies and their size in bytes (bodies and keys).
    var usage: (entries: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.bytes) } }

    /// Expired copies first, then the least recently used, until `size` more bytes fit.
    private static func makeRoom(for size: Int, in state: inout State, maximumBytes: Int, now: ContinuousClock.Instant) {
        guard state.bytes + size > maximumBytes else { return }
        for (key, entry) in state.entries where entry.expiresAt <= now { state.drop(key) }
        while state.bytes + size > maximumBytes,
            let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            state.drop(oldest.key)
        }
    }
}

/// What travels on the invalidation channel: `t:<tag>` or `k:<cache key>`.
enum NearCacheMessage: Equatable {
    case tag(String)
    case key(String)

    var payload: String {
        switch self {
        case .tag(let tag): "t:" + tag
        case .key(let key): "k:" + key
        }
    }

    init?(payload: [UInt8]) {
        let text = String(decoding: payload, as: UTF8.self)
        if text.hasPrefix("t:") {
            self = .tag(String(text.dropFirst(2)))
        } else if text.hasPrefix("k:") {
            self = .key(String(text.dropFirst(2)))
        } else {
            return nil
        }
    }
}
