// swift-metrics instruments of the Redis client.

import Metrics
import Synchronization

/// Metrics of one `RedisClient`:
/// - counter `monps_redis_commands_total` {command, result = ok | error}
/// - timer `monps_redis_command_duration_seconds` {command}
/// - gauge `monps_redis_connections_open` (pooled + subscription connections of this client)
///
/// Instruments are created on first use of each command name, i.e. after `MetricsSystem.bootstrap`
/// in a running server.
final class RedisMetrics: Sendable {
    private struct Instruments: Sendable {
        let ok: Counter
        let error: Counter
        let duration: Timer
    }

    private let instruments = Mutex<[String: Instruments]>([:])
    /// Open-connection count and its gauge; recorded under the lock so that updates are never reordered.
    private let connections = Mutex<(count: Int, gauge: Gauge?)>((0, nil))

    /// Records one command. `command` must be a bounded label (see `label(for:)`).
    func record(command: String, succeeded: Bool, duration: Duration) {
        let instruments = self.instruments.withLock { cache in
            if let existing = cache[command] { return existing }
            let dimensions = [("command", command)]
            let created = Instruments(
                ok: Counter(label: "monps_redis_commands_total", dimensions: dimensions + [("result", "ok")]),
                error: Counter(label: "monps_redis_commands_total", dimensions: dimensions + [("result", "error")]),
                duration: Timer(
                    label: "monps_redis_command_duration_seconds", dimensions: dimensions,
                    preferredDisplayUnit: .seconds)
            )
            cache[command] = created
            return created
        }
        (succeeded ? instruments.ok : instruments.error).increment()
        let (seconds, attoseconds) = duration.components
        instruments.duration.recordNanoseconds(seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }

    func connectionOpened() { self.adjustConnections(by: 1) }

    func connectionClosed() { self.adjustConnections(by: -1) }

    var openConnectionCount: Int { self.connections.withLock { $0.count } }

    private func adjustConnections(by delta: Int) {
        self.connections.withLock { state in
            state.count += delta
            let gauge = state.gauge ?? Gauge(label: "monps_redis_connections_open")
            state.gauge = gauge
            gauge.record(state.count)
        }
    }

    /// A low-cardinality label for a command: the upper-cased command name if it is a plain word of
    /// at most 24 ASCII letters (plus '_' and '-'), "OTHER" otherwise.
    static func label(for firstArgument: [UInt8]?) -> String {
        guard let name = firstArgument, !name.isEmpty, name.count <= 24 else { return "OTHER" }
        var upper: [UInt8] = []
        upper.reserveCapacity(name.count)
        for byte in name {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): upper.append(byte - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "-"): upper.append(byte)
            default: return "OTHER"
            }
        }
        return String(decoding: upper, as: UTF8.self)
    }
}
