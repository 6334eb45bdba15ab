import Logging
import NIOCore
import PostgresNIO
import Prometheus

/// The PostgreSQL access every repository goes through: one `PostgresClient` pool, queries always as
/// `PostgresQuery` with bound parameters, and timing/in-flight metrics per query.
public struct Database: Sendable {
    public let client: PostgresClient
    let url: DatabaseURL
    let logger: Logger
    private let metrics: DatabaseMetrics

    public init(url: DatabaseURL, poolSize: Int, logger: Logger, registry: PrometheusCollectorRegistry) {
        self.client = PostgresClient(configuration: Self.clientConfiguration(url: url, poolSize: poolSize), backgroundLogger: logger)
        self.url = url
        self.logger = logger
        self.metrics = DatabaseMetrics(registry: registry, poolSize: poolSize)
    }

    static func clientConfiguration(url: DatabaseURL, poolSize: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await measured {
            try await client.query(query, logger: logger, file: file, line: line).collect()
        }
    }

    /// Runs one statement and maps each row as it arrives: large reads never hold every `PostgresRow` at once.
    public func query<Value>(
        _ query: PostgresQuery, file: String = #fileID, line: Int = #line, _ transform: (PostgresRow) throws -> Value
    ) async throws -> [Value] {
        try await measured {
            var values: [Value] = []
            for try await row in try await client.query(query, logger: logger, file: file, line: line) {
                values.append(try transform(row))
            }
            return values
        }
    }

    /// Runs a named prepared statement (parsed and planned once per connection) and collects its rows.
    public func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement, file: String = #fileID, line: Int = #line
    ) async throws -> [Statement.Row] {
        try await measured {
            var rows: [Statement.Row] = []
            for try await row in try await client.execute(statement, logger: logger, file: file, line: line) {
                rows.append(row)
            }
            return rows
        }
    }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back when it throws.
    ///
    /// PostgresNIO wraps whatever the body throws in `PostgresTransactionError`; after a clean rollback the
    /// body's own error is rethrown as is, so callers and `ProblemMapper` see the domain error.
    public func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await measured {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
                throw error
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
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await PostgresConnection.connect(
            configuration: try Self.connectionConfiguration(url: url), id: Int.random(in: 1...Int.max), logger: logger)
        do {
            let result = try await body(connection)
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
            throw error
        }
    }
}

/// Pool-level metrics: PostgresClient does not expose its pool, so we count what we send through it.
struct DatabaseMetrics: Sendable {
    let inFlight: Gauge
    let duration: DurationHistogram
    let errors: Counter

    init(registry: PrometheusCollectorRegistry, poolSize: Int) {
        inFlight = registry.makeGauge(name: "monps_db_queries_in_flight", help: "PostgreSQL queries and transactions in progress")
        duration = registry.makeDurationHistogram(
            name: "monps_db_query_duration_seconds", buckets: HTTPMetrics.latencyBuckets,
            help: "PostgreSQL query and transaction latency")
        errors = registry.makeCounter(name: "monps_db_errors_total", help: "PostgreSQL queries that failed")
        registry.makeGauge(name: "monps_db_pool_max_connections", help: "Configured size of the PostgreSQL pool")
            .set(Double(poolSize))
    }
}
