import PostgresNIO
import Synchronization

/// Fails the statements running on one connection as soon as that connection closes (see `DatabaseConnection`).
///
/// One watch per connection, registered once on its `closeFuture` (a callback per statement would pile up on a
/// long-lived pooled connection). A statement runs in a task of its own and its caller waits for whichever comes
/// first: the statement's result or the close. A statement stuck on a dropped write is left behind; it holds
/// nothing but its own small task.
final class ConnectionWatch: Sendable {
    static let lost = DatabaseUnavailable(reason: .connectionLost, underlying: "the server closed the connection")

    private struct State {
        var closed = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: @Sendable (DatabaseUnavailable) -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Runs `statement`, or throws `lost` as soon as the connection closes, or `CancellationError` when the
    /// calling task is cancelled.
    func guarded<Result: Sendable>(_ statement: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let slot = ResumeOnce<Result>()
        let worker = Mutex<Task<Void, Never>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                slot.set(continuation)
                guard let id = add({ slot.resume(with: .failure($0)) }) else {
                    slot.resume(with: .failure(Self.lost))
                    return
                }
                // Starts on this thread and runs until the statement first suspends (no executor hop).
                let task = Task.immediate {
                    let result: Swift.Result<Result, any Error>
                    do { result = .success(try await statement()) } catch { result = .failure(error) }
                    self.remove(id)
                    slot.resume(with: result)
                }
                worker.withLock { $0 = task }
            }
        } onCancel: {
            worker.withLock { $0?.cancel() }
            slot.resume(with: .failure(CancellationError()))
        }
    }

    /// The connection closed: every waiting statement fails now, and later ones at once.
    func connectionClosed() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for fail in waiters { fail(Self.lost) }
    }

    private func add(_ waiter: @escaping @Sendable (DatabaseUnavailable) -> Void) -> UInt64? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.nextID &+= 1
            state.waiters[state.nextID] = waiter
            return state.nextID
        }
    }

    private func remove(_ id: UInt64) {
        _ = state.withLock { $0.waiters.removeValue(forKey: id) }
    }
}

/// The watches of the pool's connections, keyed by connection id (unique per client, never reused).
final class ConnectionWatches: Sendable {
    private let watches = Mutex<[PostgresConnection.ID: ConnectionWatch]>([:])

    func watch(_ connection: PostgresConnection) -> ConnectionWatch {
        let key = connection.id
        let (watch, isNew) = watches.withLock { watches -> (ConnectionWatch, Bool) in
            if let existing = watches[key] { return (existing, false) }
            let created = ConnectionWatch()
            watches[key] = created
            return (created, true)
        }
        if isNew {
            connection.closeFuture.whenComplete { [weak self] _ in
                _ = self?.watches.withLock { $0.removeValue(forKey: key) }
                watch.connectionClosed()
            }
        }
        return watch
    }
}

/// A continuation resumed by whichever of several parties comes first.
private final class ResumeOnce<Result: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Result, any Error>)
        case early(Swift.Result<Result, any Error>)
        case done
    }

    private let state = Mutex<State>(.empty)

    func set(_ continuation: CheckedContinuation<Result, any Error>) {
        let early: Swift.Result<Result, any Error>? = state.withLock { state in
            if case .early(let result) = state {
                state = .done
                return result
            }
            state = .waiting(continuation)
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(with result: Swift.Result<Result, any Error>) {
        let continuation: CheckedContinuation<Result, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .early(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .early, .done:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
