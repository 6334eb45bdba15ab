import Synchronization

/// The frames waiting between a stream's producer (log reads, heartbeats) and the task writing them to its socket.
///
/// It is bounded: the producer reads more of the log only while there is room (`waitForRoom`), so a client that
/// stops reading costs at most `capacity` frames (plus one page) of memory, and is closed once the buffer has
/// stayed full for the send timeout instead of buffering without bound.
final class StreamSendBuffer: Sendable {
    let capacity: Int

    private struct State {
        var frames: [String] = []
        var head = 0
        var waiter: CheckedContinuation<String?, Never>?
        var finished = false

        var count: Int { frames.count - head }

        mutating func popFirst() -> String? {
            guard head < frames.count else { return nil }
            let frame = frames[head]
            head += 1
            if head > 64 && head * 2 > frames.count {  // compact now and then, not on every pop
                frames.removeFirst(head)
                head = 0
            }
            return frame
        }
    }

    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { state.withLock { $0.count } }
    var room: Int { max(0, capacity - count) }

    /// Appends an event frame (the producer checked for room before reading it from the log).
    func push(_ frame: String) { _ = enqueue(frame, onlyIfRoom: false) }

    /// Appends a frame only if there is room (heartbeats: a full buffer already proves the stream is busy).
    @discardableResult
    func offer(_ frame: String) -> Bool { enqueue(frame, onlyIfRoom: true) }

    private func enqueue(_ frame: String, onlyIfRoom: Bool) -> Bool {
        let waiter: CheckedContinuation<String?, Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if onlyIfRoom && state.count >= capacity { return nil }
            state.frames.append(frame)
            return nil
        }
        waiter?.resume(returning: frame)
        return waiter != nil || state.withLock { !$0.finished }
    }

    /// The next frame, waiting for one; nil once finished (or when the waiting task is cancelled).
    func next() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: String?? = state.withLock { state in
                    if let frame = state.popFirst() { return .some(frame) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Drops what is queued and wakes the writer with nil.
    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            state.frames.removeAll()
            state.head = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Waits until there is room, checking every 20 ms; false when the buffer stayed full for `timeout`.
    func waitForRoom(timeout: Duration, clock: ContinuousClock = .init()) async -> Bool {
        let deadline = clock.now.advanced(by: timeout)
        while room == 0 {
            if clock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
