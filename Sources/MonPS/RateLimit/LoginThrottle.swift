// Progressive lockout after failed logins, per account and per client address.

import Foundation
import Logging
import Metrics

/// Thresholds and lockout durations of `LoginThrottle`.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failures of one account (any address) before it is locked.
    public var accountThreshold: Int
    /// Failures from one address (any account) before the address is locked. Higher: addresses are shared (NAT).
    public var ipThreshold: Int
    /// Lockout at the threshold; each further failure doubles it, up to `maximumLockout`.
    public var baseLockout: Duration
    public var maximumLockout: Duration
    /// Failures are forgotten after this long without a new failure (never shorter than `maximumLockout`).
    public var failureMemory: Duration
    /// Refused bearer credentials (made-up or revoked API tokens, bad JWTs) from one address before the address
    /// may present no unverified credential for a while. Higher than `ipThreshold`: a client with a stale token
    /// retries on its own.
    public var credentialThreshold: Int

    public init(
        accountThreshold: Int = 5, ipThreshold: Int = 20, baseLockout: Duration = .seconds(30),
        maximumLockout: Duration = .seconds(15 * 60), failureMemory: Duration = .seconds(60 * 60),
        credentialThreshold: Int = 30
    ) {
        self.accountThreshold = max(1, accountThreshold)
        self.ipThreshold = max(1, ipThreshold)
        self.credentialThreshold = max(1, credentialThreshold)
        self.baseLockout = max(.milliseconds(1), baseLockout)
        self.maximumLockout = max(self.baseLockout, maximumLockout)
        self.failureMemory = max(self.maximumLockout, failureMemory)
    }

    var baseMilliseconds: Int64 { baseLockout.redisMilliseconds }
    var maximumMilliseconds: Int64 { maximumLockout.redisMilliseconds }
    var memoryMilliseconds: Int64 { failureMemory.redisMilliseconds }

    /// The lockout after the `failures`-th failure of a subject with `threshold`, in ms; nil below the threshold.
    /// (Transcribed in `RedisLoginThrottleStore.recordScript`.)
    func lockoutMilliseconds(failures: Int, threshold: Int) -> Int64? {
        guard failures >= threshold else { return nil }
        var lock = baseMilliseconds
        for _ in 0..<(failures - threshold) where lock < maximumMilliseconds { lock *= 2 }
        return min(lock, maximumMilliseconds)
    }
}

public enum LoginThrottleDecision: Sendable, Equatable {
    case allowed
    case locked(retryAfter: Duration)

    public var isAllowed: Bool { self == .allowed }

    /// Whole seconds until the lock ends, rounded up (≥ 1 when locked, 0 when allowed).
    public var retryAfterSeconds: Int {
        guard case .locked(let retryAfter) = self else { return 0 }
        return max(1, RateLimitDecision.ceilingSeconds(retryAfter))
    }

    init(lockMilliseconds: Int64) {
        self = lockMilliseconds > 0 ? .locked(retryAfter: .milliseconds(lockMilliseconds)) : .allowed
    }
}

/// One throttled subject: a hashed id (`acct:<hex>` or `ip:<hex>`) and its failure threshold.
struct LoginThrottleSubject: Sendable, Equatable {
    var id: String
    var threshold: Int
}

/// Where failure counts and locks live.
protocol LoginThrottleStore: Sendable {
    /// Milliseconds until the longest lock among `ids` ends (0 when none is locked).
    func lockRemaining(ids: [String]) async throws -> Int64
    /// Counts a failure for each subject, (re)locks those at or over their threshold, and returns
    /// `lockRemaining` of all of them afterwards.
    func recordFailure(_ subjects: [LoginThrottleSubject], policy: LoginThrottlePolicy) async throws -> Int64
    /// Forgets failures and locks of `ids`.
    func clear(ids: [String]) async throws
}

/// Progressive backoff for failed logins, kept in Redis (shared by all instances), with an in-process
/// fallback while Redis is unreachable (same switching as `FailoverRateLimiter`, counted in
/// `monps_ratelimit_fallback_total{component="login_throttle"}`).
///
/// - Per account (the email normalised exactly as the account lookup does, `EmailAddress.normalize`: NFKC,
///   lower-cased, trimmed, so `ｄemo@…` and `demo@…` share one count) and per client address (IPv6 grouped by /64):
///   `accountThreshold` (5) failures lock the account for `baseLockout` (30 s); each further failure doubles
///   it (60 s, 120 s, …) up to `maximumLockout` (15 min). Same for the address with `ipThreshold` (20).
/// - Keys hold only digests: HMAC-SHA256 with `keySecret` when given, SHA-256 otherwise.
/// - `recordSuccess` clears the account (not the address: one valid account must not reset an address
///   that is guessing others; the address's count fades after `failureMemory`).
/// - Usage: `check` before verifying the password; when locked, answer exactly like a wrong password
///   without verifying it, and do *not* call `recordFailure` for that refused attempt (it would extend the lock).
public final class LoginThrottle: Sendable {
    public let policy: LoginThrottlePolicy
    let primary: any LoginThrottleStore
    let fallback: InProcessLoginThrottleStore
    public let gate: RedisFallbackGate
    private let keySecret: [UInt8]

    public convenience init(
        redis: RedisClient,
        policy: LoginThrottlePolicy = LoginThrottlePolicy(),
        keySecret: [UInt8] = [],
        namespace: String = "login:",
        probeInterval: Duration = .seconds(5),
        logger: Logger = Logger(label: "monps.login-throttle"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(
            store: RedisLoginThrottleStore(redis: redis, namespace: namespace), policy: policy, keySecret: keySecret,
            probeInterval: probeInterval, logger: logger, metricsFactory: metricsFactory)
    }

    init(
        store: any LoginThrottleStore, policy: LoginThrottlePolicy, keySecret: [UInt8], probeInterval: Duration,
        logger: Logger, metricsFactory: (any MetricsFactory)?
    ) {
        self.primary = store
        self.fallback = InProcessLoginThrottleStore()
        self.policy = policy
        self.keySecret = keySecret
        self.gate = RedisFallbackGate(
            component: "login_throttle", counterLabel: "monps_ratelimit_fallback_total", probeInterval: probeInterval,
            logger: logger, metricsFactory: metricsFactory)
    }

    public func check(email: String, ip: String?) async -> LoginThrottleDecision {
        let ids = subjects(email: email, ip: ip).map(\.id)
        let (primary, fallback) = (self.primary, self.fallback)
        let remaining = await gate.run {
            try await primary.lockRemaining(ids: ids)
        } fallback: {
            fallback.lockRemainingNow(ids: ids)
        }
        return LoginThrottleDecision(lockMilliseconds: remaining)
    }

    /// Records a failed attempt (wrong password, unknown account alike); returns the resulting lock state.
    @discardableResult
    public func recordFailure(email: String, ip: String?) async -> LoginThrottleDecision {
        let subjects = subjects(email: email, ip: ip)
        let (primary, fallback, policy) = (self.primary, self.fallback, self.policy)
        let remaining = await gate.run {
            try await primary.recordFailure(subjects, policy: policy)
        } fallback: {
            fallback.recordFailureNow(subjects, policy: policy)
        }
        return LoginThrottleDecision(lockMilliseconds: remaining)
    }

    /// Clears the account's failures and lock.
    public func recordSuccess(email: String, ip: String?) async {
        let ids = [accountID(email: email)]
        let (primary, fallback) = (self.primary, self.fallback)
        await gate.run {
            try await primary.clear(ids: ids)
        } fallback: {
            fallback.clearNow(ids: ids)
        }
    }

    // MARK: - Refused bearer credentials, per client address

    /// Whether the address may present a credential that still has to be looked up (checked before the lookup).
    public func checkCredentials(ip: String?) async -> LoginThrottleDecision {
        let ids = [credentialAddressID(ip: ip)]
        let (primary, fallback) = (self.primary, self.fallback)
        let remaining = await gate.run {
            try await primary.lockRemaining(ids: ids)
        } fallback: {
            fallback.lockRemainingNow(ids: ids)
        }
        return LoginThrottleDecision(lockMilliseconds: remaining)
    }

    /// Records a refused bearer credential from the address (a 401), so that a flood of made-up tokens, each
    /// of which would cost a lookup, is stopped by address rather than given one bucket per token.
    @discardableResult
    public func recordRefusedCredential(ip: String?) async -> LoginThrottleDecision {
        let subjects = [LoginThrottleSubject(id: credentialAddressID(ip: ip), threshold: policy.credentialThreshold)]
        let (primary, fallback, policy) = (self.primary, self.fallback, self.policy)
        let remaining = await gate.run {
            try await primary.recordFailure(subjects, policy: policy)
        } fallback: {
            fallback.recordFailureNow(subjects, policy: policy)
        }
        return LoginThrottleDecision(lockMilliseconds: remaining)
    }

    // MARK: - Keys

    /// `cred:<32 hex>`: digest of the address (IPv6 grouped by /64), apart from the login failures' `ip:` count.
    func credentialAddressID(ip: String?) -> String {
        "cred:" + digest("cred-ip:" + RateLimitSubject.clientBucket(ip))
    }

    /// `acct:<32 hex>`: digest of the normalised email.
    func accountID(email: String) -> String {
        "acct:" + digest("email:" + Self.normalise(email: email))
    }

    /// `ip:<32 hex>`: digest of the address (IPv6 grouped by /64).
    func addressID(ip: String) -> String {
        "ip:" + digest("ip:" + RateLimitSubject.clientBucket(ip))
    }

    func subjects(email: String, ip: String?) -> [LoginThrottleSubject] {
        var subjects = [LoginThrottleSubject(id: accountID(email: email), threshold: policy.accountThreshold)]
        if let ip, !ip.isEmpty {
            subjects.append(LoginThrottleSubject(id: addressID(ip: ip), threshold: policy.ipThreshold))
        }
        return subjects
    }

    static func normalise(email: String) -> String { EmailAddress.normalize(email) }

    private func digest(_ text: String) -> String {
        let bytes =
            keySecret.isEmpty
            ? CryptoPrimitives.sha256(text) : CryptoPrimitives.hmacSHA256(key: keySecret, message: Array(text.utf8))
        return Hex.encode(Array(bytes.prefix(16)))
    }
}
