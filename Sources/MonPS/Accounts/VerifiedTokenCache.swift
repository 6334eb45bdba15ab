// Access JWTs whose signature was checked, remembered with their claims for the rest of their life.

import Synchronization

/// Saves the HMAC and the JSON parsing of an access JWT that a client sends again: a client presents the same token
/// on every request until it expires, and checking it anew was a visible share of a short request's CPU.
///
/// - Only what cannot change during the token's life is remembered: a token the key set signed, with its issuer and
///   audience (`JWTKeySet.verifySignature`). Its time window is checked on every use, and the account checks
///   (active, role, sessions revoked) still run after it, so nothing is refused later than before.
/// - Keyed by the whole token text: a token differing in any byte is verified from scratch.
/// - Only successful checks are stored, so a flood of forged tokens never fills it; at most `capacity` tokens: when
///   full, expired ones go, and if none had expired, all of them.
final class VerifiedTokenCache: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: JWTClaims]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The claims of `token`, verified once by `verify` (which runs only when the token is not remembered).
    func claims(of token: String, now: Int64, verify: (String) throws(JWTError) -> JWTClaims) throws(JWTError) -> JWTClaims {
        if let claims = entries.withLock({ $0[token] }) { return claims }
        let claims = try verify(token)
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.expiresAt }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = claims
        }
        return claims
    }

    var count: Int { entries.withLock { $0.count } }
}
