import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Prometheus

/// The PostgreSQL access every repository goes through: one `PostgresClient` pool, queries always as
/// `PostgresQuery` with bound parameters, and timing/in-flight metrics per query.
///
/// Fails fast when PostgreSQL cannot serve: a connection that cannot be leased within `leaseTimeout`, a
/// refused connection or a connection lost mid-statement all surface as `DatabaseUnavailable` (503 at the edge)
/// rather than a request waiting on the pool's reconnect attempts.
public struct Database: Sendable {
    public let client: PostgresClient
    let url: DatabaseURL
    let logger: Logger
    /// How long a statement may wait for a pooled connection. `serve` passes `MONPS_DB_LEASE_TIMEOUT_MS` (1 s by
    /// default); the initialiser's own default is for tools and tests, where opening a connection may be slow.
    let leaseTimeout: Duration
    private let metrics: DatabaseMetrics
    private let watches = ConnectionWatches()
    /// Set on the handle given to read-only endpoints (`routingReads(to:)`): their statements go to the replica
    /// when `ReadRouting.permission` allows and the replica is up, else here.
    private(set) var readReplica: ReadReplica?

    /// - Parameter metricsPrefix: `monps_db` for the primary; the replica's pool reports as `monps_db_replica`.
    public init(
        url: DatabaseURL, poolSize: Int, leaseTimeout: Duration = .seconds(60), logger: Logger,
        registry: PrometheusCollectorRegistry, metricsPrefix: String = "monps_db"
    ) {
        self.client = PostgresClient(
            configuration: Self.clientConfiguration(url: url, poolSize: poolSize, connectTimeout: max(.seconds(5), leaseTimeout)),
            backgroundLogger: logger)
        self.url = url
        self.logger = logger
        self.leaseTimeout = leaseTimeout
        self.metrics = DatabaseMetrics(registry: registry, poolSize: poolSize, prefix: metricsPrefix)
    }

    /// This database, with the statements of replica-allowed requests sent to `replica` instead.
    func routingReads(to replica: ReadReplica?) -> Database {
        var copy = self
        copy.readReplica = replica
        return copy
    }

    /// - Parameter connectTimeout: at least as long as a caller waits for a lease. A shorter one gives up on a
    ///   connect that a busy server would still have accepted in time, and the pool then retries a single connection
    ///   with a growing back-off, starving every caller (the likely cause of bursts of "no connection within 60 s"
    ///   in the loaded test suite, where PostgreSQL logged dozens of clients giving up mid-handshake at once).
    static func clientConfiguration(
        url: DatabaseURL, poolSize: Int, connectTimeout: Duration = .seconds(5)
    ) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout.nanoseconds))
        return configuration
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await measured {
            try await withConnection { connection in try await connection.query(query, file: file, line: line) }
        }
    }

    /// Runs one statement and maps its rows.
    public func query<Value>(
        _ query: PostgresQuery, file: String = #fileID, line: Int = #line, _ transform: (PostgresRow) throws -> Value
    ) async throws -> [Value] {
        try await measured {
            try await withConnection { connection in try await connection.query(query, file: file, line: line).map(transform) }
        }
    }

    /// Runs a named prepared statement (parsed and planned once per connection) and collects its rows.
    public func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement, file: String = #fileID, line: Int = #line
    ) async throws -> [Statement.Row] where Statement.Row: Sendable {
        try await measured {
            try await withConnection { connection in try await connection.execute(statement, file: file, line: line) }
        }
    }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back when it throws.
    ///
    /// The body's own errors are rethrown as they are, so callers and `ProblemMapper` see the domain error.
    /// Losing the database turns into `DatabaseUnavailable` saying whether the change can have been stored:
    /// `.notApplied` before COMMIT was sent (PostgreSQL rolls back a transaction whose connection ends),
    /// `.unknown` when the connection was lost while COMMIT was in flight.
    public func transaction<Result: Sendable>(
        _ body: (DatabaseConnection) async throws -> Result
    ) async throws -> Result {
        try await measured {
            try await withConnection { connection in
                do {
                    try await connection.query("BEGIN")
                } catch {
                    throw DatabaseUnavailable.classify(error).map { $0.during(.notApplied) } ?? error
                }
                let result: Result
                do {
                    result = try await body(connection)
                } catch {
                    // A failed rollback means the connection is gone, and with it the transaction.
                    _ = try? await connection.query("ROLLBACK")
                    throw DatabaseUnavailable.classify(error).map { $0.during(.notApplied) } ?? error
                }
                do {
                    try await connection.query("COMMIT")
                } catch {
                    if let unavailable = DatabaseUnavailable.classify(error) { throw unavailable.during(.unknown) }
                    throw error  // e.g. a deferred constraint: the server rolled the transaction back
                }
                return result
            }
        }
    }

    /// Runs `body` with the pool's task running, then stops it: for commands and tests that run no service group.
    public func whileRunning<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let client = self.client
            // Wait until the pool's task has begun: a lease before `run()` works but logs a warning on every command.
            let (started, signal) = AsyncStream<Void>.makeStream()
            group.addTask {
                signal.finish()
                await client.run()
            }
            for await _ in started {}
            await Task.yield()
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Leases a pooled connection for `body`, waiting at most `leaseTimeout` for one.
    ///
    /// The pool's lease can only be abandoned by cancelling the task waiting for it, so a child task waits in
    /// the pool and hands the connection over (`LeaseHandoff`); this task runs `body` and gives it back.
    func withConnection<Result>(_ body: (DatabaseConnection) async throws -> Result) async throws -> Result {
        if let replica = readReplica, replica.isUsable, let permission = ReadRouting.permission, await permission.allowed() {
            do {
                return try await replica.database.withConnection(body)
            } catch {
                // Only the replica's unavailability falls back (a read-only statement runs again on the primary);
                // the statement's own errors are the caller's.
                guard let unavailable = DatabaseUnavailable.classify(error) else { throw error }
                replica.markDown(unavailable, logger: logger)
            }
        }
        return try await withPrimaryConnection(body)
    }

    private func withPrimaryConnection<Result>(_ body: (DatabaseConnection) async throws -> Result) async throws -> Result {
        let handoff = LeaseHandoff()
        let client = self.client
        return try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                do {
                    try await client.withConnection { connection in
                        if handoff.offer(connection) { await handoff.heldUntilReleased() }
                    }
                } catch {
                    handoff.fail(error)
                }
            }
            let timeout = leaseTimeout
            let deadline = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(
                in: .nanoseconds(Int64(timeout.nanoseconds))
            ) {
                handoff.expire(DatabaseUnavailable(reason: .poolExhausted, underlying: "no connection within \(timeout)"))
            }
            let connection: PostgresConnection
            do {
                connection = try await handoff.connection()
            } catch {
                deadline.cancel()
                group.cancelAll()  // withdraws the lease request from the pool's queue
                throw error
            }
            deadline.cancel()
            defer { handoff.releaseConnection() }
            return try await body(DatabaseConnection(underlying: connection, logger: logger, watch: watches.watch(connection)))
        }
    }

    /// Runs `body` on a dedicated connection before the server listens, retrying for at most `patience` while
    /// PostgreSQL is unavailable (starting, restarting, out of connection slots), then failing with its error.
    ///
    /// Not the pool: a lease has no deadline of its own, and a pool that cannot connect (a server at
    /// `max_connections`) waits without one, so a start-up check through it could hang the start for good.
    func atStartUp<Result: Sendable>(
        patience: Duration = .seconds(30), _ body: (DatabaseConnection) async throws -> Result
    ) async throws -> Result {
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                return try await withDedicatedConnection(body)
            } catch let unavailable as DatabaseUnavailable where ContinuousClock.now < deadline {
                logger.warning("PostgreSQL unavailable at start-up; retrying", metadata: ["error": "\(unavailable)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs `body` on a connection of its own, outside the pool, closed when `body` ends.
    ///
    /// For session state held while the holder works through the pool (a job's advisory lock): a pooled
    /// connection held while waiting on that same pool is hold-and-wait, and enough such holders — or a server
    /// at `max_connections`, where the pool cannot grow and waits without a deadline — starve it for good.
    /// A dedicated connection either opens at once or fails with the server's error.
    func withDedicatedConnection<Result: Sendable>(
        _ body: (DatabaseConnection) async throws -> Result
    ) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try Self.connectionConfiguration(url: url), id: Int.random(in: 1...Int.max), logger: logger)
        } catch {
            throw DatabaseUnavailable.classify(error) ?? error
        }
        do {
            let result = try await body(DatabaseConnection(underlying: connection, logger: logger, watch: watches.watch(connection)))
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func connectionConfiguration(url: DatabaseURL) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    private func measured<Result>(_ work: () async throws -> Result) async throws -> Result {
        metrics.inFlight.increment()
        let start = ContinuousClock.now
        defer {
            metrics.inFlight.decrement()
            metrics.duration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        }
        do {
            return try await work()
        } catch {
            metrics.errors.increment()
            // A lost or refused connection is the same condition whichever statement met it.
            throw DatabaseUnavailable.classify(error) ?? error
        }
    }
}

/// Pool-level metrics: PostgresClient does not expose its pool, so we count what we send through it.
struct DatabaseMetrics: Sendable {
    let inFlight: Gauge
    let duration: DurationHistogram
    let errors: Counter

    init(registry: PrometheusCollectorRegistry, poolSize: Int, prefix: String = "monps_db") {
        inFlight = registry.makeGauge(name: "\(prefix)_queries_in_flight", help: "PostgreSQL queries and transactions in progress")
        duration = registry.makeDurationHistogram(
            name: "\(prefix)_query_duration_seconds", buckets: HTTPMetrics.latencyBuckets,
            help: "PostgreSQL query and transaction latency")
        errors = registry.makeCounter(name: "\(prefix)_errors_total", help: "PostgreSQL queries that failed")
        registry.makeGauge(name: "\(prefix)_pool_max_connections", help: "Configured size of the PostgreSQL pool")
            .set(Double(poolSize))
    }
}
