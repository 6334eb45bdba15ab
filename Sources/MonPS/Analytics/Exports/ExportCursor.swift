import PostgresNIO
import Synchronization

/// A server-side cursor over an export's query, on a pooled connection held for as long as the export's body streams
/// (the handler returns before the body is written, so the lease outlives it).
///
/// Goes through the same guards as every other statement: the connection is leased with `Database.withConnection`
/// (the lease deadline: no connection within it is `DatabaseUnavailable`, a 503 before the first byte), and every
/// statement on it — `BEGIN`, `DECLARE`, each `FETCH`, the closing `ROLLBACK` — runs through `DatabaseConnection`,
/// which fails it as soon as the connection closes instead of waiting forever. A database lost mid-export therefore
/// cuts the stream; it never hangs the request.
///
/// Rows come in batches of `batchSize` (`FETCH n`), so memory stays constant on both ends, and closing the export
/// early (the client went away) is one `ROLLBACK` rather than draining the rest of the result.
final class ExportCursor: Sendable {
    private let connection: DatabaseConnection
    private let lease: Lease
    let batchSize: Int

    private init(connection: DatabaseConnection, lease: Lease, batchSize: Int) {
        self.connection = connection
        self.lease = lease
        self.batchSize = batchSize
    }

    deinit { lease.release() }

    /// Leases a connection, begins a read-only transaction and declares the cursor over `query`.
    static func open(_ database: Database, query: PostgresQuery, batchSize: Int) async throws -> ExportCursor {
        var declare = PostgresQuery(unsafeSQL: "DECLARE monps_export NO SCROLL CURSOR FOR " + query.sql)
        declare.binds = query.binds
        let lease = Lease()
        let opened = OpenedSignal()
        // Unstructured on purpose: the lease must outlive this call (it ends with `close`, or when the cursor is freed).
        Task {
            do {
                try await database.withConnection { connection in
                    do {
                        try await connection.query("BEGIN READ ONLY")
                        try await connection.query(declare)
                    } catch {
                        _ = try? await connection.query("ROLLBACK")
                        opened.resume(.failure(error))
                        return
                    }
                    opened.resume(.success(connection))
                    await lease.heldUntilReleased()
                    // Ends the transaction and with it the cursor; the connection goes back to the pool clean. A lost
                    // connection fails at once (the pool drops it).
                    _ = try? await connection.query("ROLLBACK")
                }
            } catch {
                opened.resume(.failure(error))
            }
        }
        do {
            return ExportCursor(connection: try await opened.value(), lease: lease, batchSize: batchSize)
        } catch {
            lease.release()
            throw DatabaseUnavailable.classify(error) ?? error
        }
    }

    /// The next rows, at most `batchSize`; fewer means the cursor is exhausted.
    func fetch() async throws -> [PostgresRow] {
        do {
            return try await connection.query(PostgresQuery(unsafeSQL: "FETCH \(batchSize) FROM monps_export"))
        } catch {
            throw DatabaseUnavailable.classify(error) ?? error
        }
    }

    /// Gives the connection back (idempotent; also done when the cursor is freed).
    func close() { lease.release() }
}

/// The holder's side of an export's lease: suspended until the export is done with the connection.
private final class Lease: Sendable {
    private enum State {
        case held
        case waiting(CheckedContinuation<Void, Never>)
        case released
    }

    private let state = Mutex<State>(.held)

    func heldUntilReleased() async {
        await withCheckedContinuation { continuation in
            let released = state.withLock { state in
                if case .released = state { return true }
                state = .waiting(continuation)
                return false
            }
            if released { continuation.resume() }
        }
    }

    func release() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            defer { state = .released }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }
}

/// The opened connection (or why not), delivered once from the lease holder to the opener.
private final class OpenedSignal: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<DatabaseConnection, any Error>)
        case decided(Result<DatabaseConnection, any Error>)
        case done
    }

    private let state = Mutex<State>(.empty)

    func value() async throws -> DatabaseConnection {
        try await withCheckedThrowingContinuation { continuation in
            let decided: Result<DatabaseConnection, any Error>? = state.withLock { state in
                if case .decided(let result) = state {
                    state = .done
                    return result
                }
                state = .waiting(continuation)
                return nil
            }
            if let decided { continuation.resume(with: decided) }
        }
    }

    /// The first result wins; later ones are ignored.
    func resume(_ result: Result<DatabaseConnection, any Error>) {
        let waiter: CheckedContinuation<DatabaseConnection, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .decided(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .decided, .done:
                return nil
            }
        }
        waiter?.resume(with: result)
    }
}
