import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The live streams of this process, and the one Redis subscription that wakes them.
///
/// Producers on any instance publish a `NotificationSignal` after their commit; the hub wakes this process's
/// streams of that user, which then read the log themselves. Signals are lost while Redis is unreachable, so a
/// reconnect wakes every stream, and a backstop poll wakes them all every `pollInterval` anyway.
///
/// Shutdown: `drain()` refuses new streams and closes the open ones with 1001. `monps serve` calls it as soon as
/// SIGTERM arrives (before the HTTP server drains), and the service calls it again when it stops.
final class StreamHub: Service, Sendable {
    let settings: StreamSettings
    private let redis: RedisClient
    private let logger: Logger

    private struct State {
        var nextID: UInt64 = 0
        var sessions: [UUID: [UInt64: StreamSession]] = [:]
        var draining = false
    }

    private let state = Mutex(State())
    private let slowConsumers = Atomic<Int>(0)
    private let slowConsumerCounter = Counter(label: "monps_stream_slow_consumers_closed_total")
    private let failedReads = Atomic<Int>(0)
    private let failedReadCounter = Counter(label: "monps_stream_log_read_failures_total")

    init(settings: StreamSettings, redis: RedisClient, logger: Logger) {
        self.settings = settings
        self.redis = redis
        self.logger = logger
    }

    /// Registers a new stream for `userID`, or says why not.
    func open(userID: UUID) throws(StreamRefusal) -> StreamSession {
        try state.withLock { state throws(StreamRefusal) in
            if let refusal = refusal(for: userID, in: state) { throw refusal }
            state.nextID &+= 1
            let session = StreamSession(id: state.nextID, userID: userID)
            state.sessions[userID, default: [:]][session.id] = session
            return session
        }
    }

    /// Why a stream for `userID` would be refused now (nil: it would be admitted).
    func refusal(for userID: UUID) -> StreamRefusal? {
        state.withLock { refusal(for: userID, in: $0) }
    }

    private func refusal(for userID: UUID, in state: State) -> StreamRefusal? {
        if state.draining { return .shuttingDown }
        if state.sessions[userID, default: [:]].count >= settings.maxConnectionsPerUser {
            return .tooManyStreams(limit: settings.maxConnectionsPerUser)
        }
        return nil
    }

    func remove(_ session: StreamSession) {
        state.withLock { state in
            state.sessions[session.userID]?[session.id] = nil
            if state.sessions[session.userID]?.isEmpty == true { state.sessions[session.userID] = nil }
        }
    }

    /// Counts a stream closed with 4008 because its client stopped reading (and the metric operators alert on).
    func recordSlowConsumerClosed() {
        slowConsumers.add(1, ordering: .relaxed)
        slowConsumerCounter.increment()
    }

    /// Streams of this process closed as too slow since it started.
    var slowConsumersClosed: Int { slowConsumers.load(ordering: .relaxed) }

    /// Counts a stream's failed read of the notification log (it retries with a backoff).
    func recordFailedRead() {
        failedReads.add(1, ordering: .relaxed)
        failedReadCounter.increment()
    }

    /// Failed log reads of this process's streams since it started.
    var failedLogReads: Int { failedReads.load(ordering: .relaxed) }

    var connectionCount: Int { state.withLock { $0.sessions.values.reduce(0) { $0 + $1.count } } }

    /// Refuses new streams and closes every open one with 1001 (going away).
    func drain() {
        let open = state.withLock { state in
            state.draining = true
            return state.sessions.values.flatMap(\.values)
        }
        if !open.isEmpty { logger.info("closing live streams", metadata: ["count": "\(open.count)"]) }
        for session in open { session.stop(.goingAway) }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.listen() }
                group.addTask { await self.pollLoop() }
            }
        }
        drain()
    }

    // MARK: - Wakes

    private func listen() async {
        var missedSignals = false
        // The subscription reconnects by itself; it only ends on cancellation or client shutdown.
        while !Task.isCancelled {
            do {
                for try await event in redis.subscriptionEvents(channels: [NotificationSignal.channel]) {
                    switch event {
                    case .message(let message):
                        guard let signal = try? JSONDecoder().decode(NotificationSignal.self, from: Data(message.payload))
                        else { continue }
                        wake(userID: signal.userID)
                    case .interrupted:
                        missedSignals = true
                    case .subscribed:
                        // Whatever was published while disconnected is in the log: every stream reads it now.
                        if missedSignals { wakeAll() }
                        missedSignals = false
                    }
                }
            } catch {
                logger.warning("live stream subscription failed; retrying", metadata: ["error": "\(error)"])
            }
            missedSignals = true
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func pollLoop() async {
        while (try? await Task.sleep(for: settings.pollInterval)) != nil {
            wakeAll()
        }
    }

    func wake(userID: UUID) {
        let sessions = state.withLock { $0.sessions[userID].map { Array($0.values) } ?? [] }
        for session in sessions { session.wake() }
    }

    private func wakeAll() {
        let sessions = state.withLock { $0.sessions.values.flatMap(\.values) }
        for session in sessions { session.wake() }
    }
}

/// Why the stream refused an upgrade (answered as a problem by `GET /v1/stream`, see `StreamRefusal+HTTP`).
enum StreamRefusal: Error, Equatable {
    case tooManyStreams(limit: Int)
    case shuttingDown
}

/// Starts the hub's drain as soon as a graceful shutdown begins. It runs last in `monps serve`'s service group, so
/// it hears of SIGTERM first, before the HTTP server waits for its connections: open streams close with 1001
/// instead of holding the shutdown up.
struct StreamDrainService: Service {
    let hub: StreamHub

    func run() async throws {
        try? await gracefulShutdown()
        hub.drain()
    }
}
