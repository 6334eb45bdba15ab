// Bounded, lazily filled pool of hiredis connections with an async FIFO waiter queue.

import NIOCore
import Synchronization

/// Book-keeping of the pooled connections. Never blocks and never touches the network: connecting and
/// round trips are done by `RedisClient` on its thread pool. All state lives in one `Mutex`; continuations
/// are resumed after the lock is released.
final class RedisConnectionPool: Sendable {
    /// What a lease grants: an idle connection, or a slot that the caller must fill by connecting
    /// (then either use the new connection, or report `connectFailed`).
    enum Lease: Sendable {
        case connection(RedisConnection)
        case permitToConnect
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        /// Idle + leased + being connected. Never exceeds `maximum`.
        var open = 0
        var waiters = CircularBuffer<Waiter>()
        var closed = false
        var nextWaiterID: UInt64 = 0
    }

    let maximum: Int
    private let state = Mutex(State())

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Callers queued for a connection, and connections lent out (open but not idle) now.
    var occupancy: (waiting: Int, leased: Int) {
        state.withLock { ($0.waiters.count, $0.open - $0.idle.count) }
    }

    /// Borrows a connection (LIFO, keeps hot connections warm), or a permit to open one while below `maximum`,
    /// or suspends in FIFO order until one is released. Cancelling the waiting task removes it from the queue.
    func lease() async throws -> Lease {
        enum Immediate {
            case lease(Lease)
            case fail(RedisError)
            case wait(UInt64)
        }
        let immediate = self.state.withLock { state -> Immediate in
            if state.closed { return .fail(.poolClosed) }
            if let connection = state.idle.popLast() { return .lease(.connection(connection)) }
            if state.open < self.maximum {
                state.open += 1
                return .lease(.permitToConnect)
            }
            state.nextWaiterID &+= 1
            return .wait(state.nextWaiterID)
        }
        let waiterID: UInt64
        switch immediate {
        case .lease(let lease): return lease
        case .fail(let error): throw error
        case .wait(let id): waiterID = id
        }

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                // Re-check: a connection may have been released since the fast path.
                let outcome = self.state.withLock { state -> Result<Lease, any Error>? in
                    if state.closed { return .failure(RedisError.poolClosed) }
                    if let connection = state.idle.popLast() { return .success(.connection(connection)) }
                    if state.open < self.maximum {
                        state.open += 1
                        return .success(.permitToConnect)
                    }
                    // Checked under the lock: the cancellation handler runs after the flag is set, so either
                    // we see the flag here or the handler finds the waiter in the queue.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns a healthy connection: handed to the oldest waiter, else kept idle. A closed connection
    /// is discarded instead.
    func release(_ connection: RedisConnection) {
        guard connection.isOpen else {
            self.discard(connection)
            return
        }
        let (waiter, mustClose) = self.state.withLock { state -> (Waiter?, Bool) in
            if state.closed {
                state.open -= 1
                return (nil, true)
            }
            if let waiter = state.waiters.popFirst() { return (waiter, false) }
            state.idle.append(connection)
            return (nil, false)
        }
        if mustClose { connection.close() }
        waiter?.continuation.resume(returning: .connection(connection))
    }

    /// Drops a broken connection (or an unused permit when `connection` is nil); the freed slot goes to the
    /// oldest waiter as a permit to reconnect.
    func discard(_ connection: RedisConnection?) {
        connection?.close()
        let waiter = self.state.withLock { state -> Waiter? in
            state.open -= 1
            guard !state.closed, let waiter = state.waiters.popFirst() else { return nil }
            state.open += 1
            return waiter
        }
        waiter?.continuation.resume(returning: .permitToConnect)
    }

    /// Gives back a permit whose connect attempt failed. The queued waiters fail with the same error at once:
    /// Redis is most likely unreachable, and failing fast beats queueing each caller behind its own connect
    /// timeout (callers of a cache fall back to the database).
    func connectFailed(_ error: any Error) {
        let waiters = self.state.withLock { state -> [Waiter] in
            state.open -= 1
            let waiters = Array(state.waiters)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }

    /// Closes idle connections and fails waiters with `poolClosed`. Leased connections are closed when released.
    func close() {
        let (idle, waiters) = self.state.withLock { state -> ([RedisConnection], [Waiter]) in
            state.closed = true
            let idle = state.idle
            state.idle.removeAll()
            state.open -= idle.count
            let waiters = Array(state.waiters)
            state.waiters.removeAll()
            return (idle, waiters)
        }
        for connection in idle { connection.close() }
        for waiter in waiters { waiter.continuation.resume(throwing: RedisError.poolClosed) }
    }

    /// Number of idle connections (for tests and diagnostics).
    var idleCount: Int { self.state.withLock { $0.idle.count } }
}
