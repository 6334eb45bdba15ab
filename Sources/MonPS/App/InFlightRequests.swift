import Synchronization

/// The requests being served right now, so that a shutdown which does not finish can say what it waits for.
public final class InFlightRequests: Sendable {
    struct Entry: Sendable {
        var method: String
        var path: String
        var start: ContinuousClock.Instant
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    func begin(method: String, path: String, at start: ContinuousClock.Instant) -> UInt64 {
        state.withLock { state in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(method: method, path: LogRedaction.path(path), start: start)
            return state.nextID
        }
    }

    func end(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// "GET /v1/bets (18.2 s)", oldest first, at most `limit` of them.
    func describe(now: ContinuousClock.Instant = .now, limit: Int = 20) -> [String] {
        let entries = state.withLock { Array($0.entries.values) }
        return entries.sorted { $0.start < $1.start }.prefix(limit).map { entry in
            let age = now - entry.start
            let seconds = Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18
            return "\(entry.method) \(entry.path) (\(String(format: "%.1f", seconds)) s)"
        }
    }
}
