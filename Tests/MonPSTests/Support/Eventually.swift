/// Waiting for a state a test cannot be told about directly (another process, a connection, a background task):
/// polls a condition until it holds or a deadline passes. The deadline is a bound on a hang, not a timing assertion.
enum Eventually {
    /// Whether `condition` held within `timeout`, polled every `interval`; its last value otherwise.
    static func holds(
        timeout: Duration = .seconds(5), every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return try await condition()
    }

    /// Returns once `condition` holds; a `TestFailure` naming `what` when it does not within `timeout`.
    static func until(
        _ what: String, within timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(100),
        _ condition: () async throws -> Bool
    ) async throws {
        guard try await holds(timeout: timeout, every: interval, condition) else {
            throw TestFailure("timed out waiting until \(what)")
        }
    }
}
