// A test clock for code that reads `Date`s through an injected closure (token lifetimes, kick-off, lockouts).

import Foundation
import Synchronization

/// A wall clock that only moves when told (starts at a whole second + 0.25 s unless given a start).
final class ManualDateClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 0.25)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    var closure: @Sendable () -> Date { { [self] in self.now } }
}
