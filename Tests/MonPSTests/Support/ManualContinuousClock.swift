// A test clock for code that reads `ContinuousClock` instants through an injected closure.

import Synchronization

/// A continuous clock that only moves when told.
final class ManualContinuousClock: Sendable {
    private let current = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { current.withLock { $0 } }

    func advance(_ duration: Duration) { current.withLock { $0 += duration } }

    var closure: @Sendable () -> ContinuousClock.Instant { { [self] in self.now } }
}
