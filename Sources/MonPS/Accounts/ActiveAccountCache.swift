// The account facts an access JWT is checked against, remembered for a few seconds.

import Foundation
import Synchronization

/// Saves the account lookup that authenticating an access JWT needs on every request. The JWT's time window is
/// still checked on every request (its signature once, `VerifiedTokenCache`); only the account row it is checked against
/// — active or not, role, sessions revoked since when — may be up to `lifetime` old.
///
/// - Bound: suspending or deleting an account, a role change, logging out everywhere or changing the password
///   reach requests within `lifetime` (`MONPS_AUTH_CACHE_SECONDS`, 2 s by default; 0 switches the cache off).
/// - Only active accounts are remembered, so a refusal is never cached and a reactivation takes effect at once.
/// - Personal API tokens do not use it (they are looked up every time; their usage is recorded per request).
/// - At most `capacity` accounts; when full, stale entries go, and if none were stale, all of them.
final class ActiveAccountCache: Sendable {
    /// What authenticating an access token reads from an active account.
    struct Account: Sendable, Equatable {
        var role: Role
        var sessionsValidAfter: Date?
    }

    private struct Entry {
        var account: Account
        var readAt: Date
    }

    let lifetime: TimeInterval
    let capacity: Int
    private let entries = Mutex<[UUID: Entry]>([:])

    init(lifetime: TimeInterval, capacity: Int = 10_000) {
        self.lifetime = max(0, lifetime)
        self.capacity = max(1, capacity)
    }

    var isEnabled: Bool { lifetime > 0 }

    /// The account of `userID` as read less than `lifetime` before `now`.
    func account(of userID: UUID, now: Date) -> Account? {
        guard isEnabled else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[userID] else { return nil }
            guard isFresh(entry, now: now) else {
                entries[userID] = nil
                return nil
            }
            return entry.account
        }
    }

    /// Remembers `account`, read from PostgreSQL at `now` and found active.
    func store(_ account: Account, of userID: UUID, readAt now: Date) {
        guard isEnabled else { return }
        entries.withLock { entries in
            if entries.count >= capacity, entries[userID] == nil {
                entries = entries.filter { isFresh($0.value, now: now) }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[userID] = Entry(account: account, readAt: now)
        }
    }

    /// Number of remembered accounts.
    var count: Int { entries.withLock { $0.count } }

    // A clock stepped backwards makes an entry stale rather than immortal.
    private func isFresh(_ entry: Entry, now: Date) -> Bool {
        let age = now.timeIntervalSince(entry.readAt)
        return age >= 0 && age < lifetime
    }
}
