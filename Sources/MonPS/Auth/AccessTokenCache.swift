// Who an access token authenticated as, remembered for a few seconds.

import Foundation
import Synchronization

/// Saves the account lookup that authenticating an access JWT needs on every request (status, role, sessions
/// revoked since the token was issued): a token that authenticated is trusted again, without PostgreSQL, for at
/// most `lifetime` after that check and never past its own expiry.
///
/// - Bound: suspending or deleting an account, a role change, logging out everywhere or changing the password
///   reach requests within `lifetime` (`MONPS_AUTH_CACHE_SECONDS`, 2 s by default; 0 switches the cache off).
/// - Only access JWTs: personal API tokens are looked up every time (their usage is recorded per request).
/// - Failures are never cached; a refused token is checked again on its next use.
/// - At most `capacity` tokens; when full, expired entries go, and if none had expired, all of them.
final class AccessTokenCache: Sendable {
    private struct Entry {
        var principal: Principal
        var validUntil: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])
    private let clock = ContinuousClock()

    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    var isEnabled: Bool { lifetime > .zero }

    /// The principal `token` authenticated as, if it did so less than `lifetime` ago and has not expired since.
    func principal(for token: String) -> Principal? {
        guard isEnabled else { return nil }
        let now = clock.now
        return entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.validUntil > now else {
                entries[token] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Remembers a successful authentication of `token`, which expires `secondsLeft` from now.
    func store(_ principal: Principal, for token: String, secondsLeft: Int64) {
        guard isEnabled, secondsLeft > 0 else { return }
        let now = clock.now
        let validUntil = now + min(lifetime, .seconds(secondsLeft))
        entries.withLock { entries in
            if entries.count >= capacity, entries[token] == nil {
                entries = entries.filter { $0.value.validUntil > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(principal: principal, validUntil: validUntil)
        }
    }

    /// Number of remembered tokens (for tests).
    var count: Int { entries.withLock { $0.count } }
}
