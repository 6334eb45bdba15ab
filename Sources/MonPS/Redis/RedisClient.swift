// Redis client on libhiredis: pooled blocking connections driven from a NIOThreadPool.

import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A Redis client built on the blocking hiredis API.
///
/// - Every hiredis call runs on a `NIOThreadPool` thread, never on an event loop or the cooperative pool.
///   By default the client starts its own pool with `poolSize` threads, so that each pooled connection can
///   have a round trip in flight and Redis latency does not queue behind other blocking work (argon2 hashing
///   on `NIOThreadPool.singleton`, which has only one thread per core). Pass `threadPool:` to share one.
/// - Connections are opened lazily, at most `poolSize`; when all are busy, callers wait in a FIFO queue
///   (no spinning). A connection that fails (EOF, I/O error, timeout, protocol error) is discarded, so the
///   next command reconnects: after a Redis restart the client recovers by itself.
/// - Idle connections the server closed in the meantime are detected before anything is sent and replaced;
///   commands are otherwise never retried (a failed `INCR` may or may not have been applied).
/// - Typed helpers (`RedisClient+Commands.swift`) prepend `configuration.keyPrefix` to keys and channels;
///   `command(_:)` sends its arguments unchanged.
/// - Call `shutdown()` when done (it is also called on deinit).
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let logger: Logger
    let metrics = RedisMetrics()
    let pool: RedisConnectionPool
    let threadPool: NIOThreadPool
    private let ownsThreadPool: Bool
    private let isShutdownFlag = Atomic<Bool>(false)
    /// Set after a connection failure; the next successful connect logs a notice "re-established".
    private let degraded = Atomic<Bool>(false)

    public init(
        configuration: RedisConfiguration,
        logger: Logger = Logger(label: "monps.redis"),
        threadPool: NIOThreadPool? = nil
    ) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "redis"] = "\(configuration.host):\(configuration.port)/\(configuration.database)"
        self.logger = logger
        self.pool = RedisConnectionPool(maximum: configuration.poolSize)
        if let threadPool {
            self.threadPool = threadPool
            self.ownsThreadPool = false
        } else {
            let threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.poolSize))
            threadPool.start()
            self.threadPool = threadPool
            self.ownsThreadPool = true
        }
    }

    deinit {
        self.shutdown()
    }

    /// Closes idle connections, fails waiting and later commands with `RedisError.poolClosed`, ends
    /// subscriptions and stops the client's own thread pool. Commands in flight finish; their connections are
    /// closed on return. Idempotent and non-blocking (`redisFree` only closes the socket).
    public func shutdown() {
        guard self.isShutdownFlag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
            .exchanged
        else { return }
        self.pool.close()
        if self.ownsThreadPool {
            self.threadPool.shutdownGracefully { _ in }
        }
    }

    var isShutdown: Bool { self.isShutdownFlag.load(ordering: .acquiring) }

    /// Number of open hiredis connections of this client (pooled + subscriptions).
    public var openConnectionCount: Int { self.metrics.openConnectionCount }

    /// Sends any command, binary-safe (`redisCommandArgv`). Arguments are sent unchanged: no key prefix.
    /// A top-level error reply is thrown as `RedisError.serverError`.
    public func command(_ arguments: [String]) async throws -> RedisValue {
        try await self.send(arguments.map { Array($0.utf8) })
    }

    /// Sends any command given as raw byte arguments. See `command(_:)` for `[String]`.
    public func command(_ arguments: [[UInt8]]) async throws -> RedisValue {
        try await self.send(arguments)
    }

    // MARK: - Execution

    /// Runs one command with metrics; turns a top-level error reply into `RedisError.serverError`.
    func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        guard !arguments.isEmpty else { throw RedisError.protocolError("empty command") }
        let label = RedisMetrics.label(for: arguments.first)
        let start = ContinuousClock.now
        do {
            let value = try await self.roundTrip(arguments)
            if case .error(let message) = value { throw RedisError.serverError(message) }
            self.metrics.record(command: label, succeeded: true, duration: ContinuousClock.now - start)
            return value
        } catch {
            self.metrics.record(command: label, succeeded: false, duration: ContinuousClock.now - start)
            throw error
        }
    }

    private func roundTrip(_ arguments: [[UInt8]]) async throws -> RedisValue {
        // Each stale idle connection is dropped before anything is sent, so retrying is safe; at most every
        // pooled connection can be stale (e.g. after a Redis restart), plus one fresh attempt.
        for _ in 0...self.pool.maximum {
            let connection = try await self.leaseConnection()
            let result: Result<RedisValue, any Error>
            do {
                result = .success(try await self.threadPool.runIfActive { try connection.execute(arguments) })
            } catch {
                result = .failure(error)
            }
            // `execute` closes the context on any error that makes it unusable; `release` discards it then.
            self.pool.release(connection)
            switch result {
            case .success(let value):
                return value
            case .failure(is RedisConnection.StaleConnection):
                self.logger.debug("dropped a Redis connection closed by the server while idle")
                self.markDegraded(nil)
                continue
            case .failure(let error as RedisError):
                if error.discardsConnection { self.markDegraded(error) }
                throw error
            case .failure(let error):
                // CancellationError: the work item never ran (task cancelled, or our thread pool stopped).
                throw self.isShutdown ? RedisError.poolClosed : error
            }
        }
        throw RedisError.connectionFailed("no usable connection after dropping stale ones")
    }

    private func leaseConnection() async throws -> RedisConnection {
        switch try await self.pool.lease() {
        case .connection(let connection):
            return connection
        case .permitToConnect:
            let configuration = self.configuration
            let metrics = self.metrics
            do {
                let connection = try await self.threadPool.runIfActive {
                    try RedisConnection.connect(configuration, metrics: metrics)
                }
                self.markHealthy()
                return connection
            } catch let error as RedisError {
                self.pool.connectFailed(error)
                self.markDegraded(error)
                throw error
            } catch {
                // Cancelled before the connect ran: hand the slot on, do not fail the other waiters.
                self.pool.discard(nil)
                throw self.isShutdown ? RedisError.poolClosed : error
            }
        }
    }

    func markDegraded(_ error: RedisError?) {
        if self.degraded.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            self.logger.warning(
                "Redis connection lost",
                metadata: ["error": "\(error.map { String(describing: $0) } ?? "closed by server")"])
        } else if let error {
            self.logger.debug("Redis still unavailable", metadata: ["error": "\(error)"])
        }
    }

    func markHealthy() {
        if self.degraded.load(ordering: .relaxed),
            self.degraded.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged
        {
            self.logger.notice("Redis connection re-established")
        }
    }
}
