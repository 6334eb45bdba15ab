import PostgresNIO
import Synchronization

/// Hands a pooled connection from the task holding the pool's lease to the task that asked for it, so that
/// the asker can stop waiting after a deadline without holding up anything.
///
/// PostgresNIO's pool queues a lease request for as long as it keeps trying to connect (up to its circuit
/// breaker, 60 s): a request must not wait that long. Only the task waiting on the pool can be cancelled,
/// so a child task waits there and offers the connection here; the first of `offer`, `fail` and `expire`
/// decides what the asker gets. The lease holder keeps the connection until the asker calls `release`.
final class LeaseHandoff: Sendable {
    private enum Handover {
        case empty
        case waiting(CheckedContinuation<PostgresConnection, any Error>)
        case decided(Result<PostgresConnection, any Error>)
        case taken
    }

    private enum Release {
        case held
        case waiting(CheckedContinuation<Void, Never>)
        case released
    }

    private let handover = Mutex<Handover>(.empty)
    private let release = Mutex<Release>(.held)

    /// The asker's side: the connection, or the error that decided first.
    func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let decided: Result<PostgresConnection, any Error>? = handover.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .decided(let result):
                    state = .taken
                    return result
                case .waiting, .taken:
                    preconditionFailure("a lease handoff is awaited once")
                }
            }
            if let decided { continuation.resume(with: decided) }
        }
    }

    /// The lease holder's side: `true` when the asker takes the connection (then wait with `heldUntilReleased`),
    /// `false` when the asker already gave up (return the connection to the pool at once).
    func offer(_ connection: PostgresConnection) -> Bool {
        decide(.success(connection))
    }

    /// The pool refused or the lease was cancelled.
    func fail(_ error: any Error) {
        _ = decide(.failure(error))
    }

    /// The deadline passed: the asker stops waiting (a later offer is turned down).
    func expire(_ error: any Error) {
        _ = decide(.failure(error))
    }

    /// Suspends the lease holder until the asker is done with the connection.
    func heldUntilReleased() async {
        await withCheckedContinuation { continuation in
            let alreadyReleased = release.withLock { state in
                switch state {
                case .held:
                    state = .waiting(continuation)
                    return false
                case .released:
                    return true
                case .waiting:
                    preconditionFailure("a lease is held once")
                }
            }
            if alreadyReleased { continuation.resume() }
        }
    }

    /// The asker is done: the lease holder returns the connection to the pool.
    func releaseConnection() {
        let waiter: CheckedContinuation<Void, Never>? = release.withLock { state in
            defer { state = .released }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume()
    }

    private func decide(_ result: Result<PostgresConnection, any Error>) -> Bool {
        let outcome: (won: Bool, waiter: CheckedContinuation<PostgresConnection, any Error>?) = handover.withLock { state in
            switch state {
            case .empty:
                state = .decided(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .taken
                return (true, continuation)
            case .decided, .taken:
                return (false, nil)
            }
        }
        outcome.waiter?.resume(with: result)
        return outcome.won
    }
}
