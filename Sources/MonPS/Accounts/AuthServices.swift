import Foundation
import Logging
import ServiceLifecycle

/// The identity and abuse-protection components of a process, built once from its configuration.
public struct AuthServices: Sendable {
    public let identity: IdentityService
    public let admin: AdminUserService
    let usage: TokenUsageRecorder
    let rateLimiter: FailoverRateLimiter
    let rateLimitPolicies: RateLimitPolicyStore
    let loginThrottle: LoginThrottle
    let keys: JWTKeySet
    /// Password-reset and verification mail (sends nothing without `MONPS_SMTP_URL`).
    public let mailer: AccountMailer
    /// The SMTP sender when `MONPS_SMTP_URL` is set (account mail and the notifications' email channel).
    var mailSender: (any MailSender)? { mailer.sender }
    let logger: Logger

    init(
        config: AppConfig, database: Database, redis: RedisClient, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        // Commands that never issue tokens (migrate, import) run without configured secrets.
        let secrets = config.jwtSecrets.isEmpty ? [Hex.encode(try CryptoPrimitives.secureRandomBytes(count: 32))] : config.jwtSecrets
        do {
            keys = try JWTKeySet(secrets: secrets)
        } catch {
            throw ConfigError("MONPS_JWT_SECRETS", String(describing: error))
        }
        // Registration is gated per request by the platform settings (see `register`), which an admin can change.
        self.logger = logger
        let settings = IdentitySettings(registrationOpen: true)
        let hasher = PasswordHasher()
        usage = TokenUsageRecorder(database: database, logger: logger)
        identity = IdentityService(
            database: database, hasher: hasher, keys: keys, settings: settings, usage: usage,
            accounts: ActiveAccountCache(lifetime: TimeInterval(config.authCacheSeconds)), now: now)
        admin = AdminUserService(database: database, hasher: hasher, settings: settings, now: now)
        var sender: (any MailSender)?
        if let smtp = config.mail.smtp, let from = config.mail.from {
            do {
                sender = try SMTPMailSender(
                    url: smtp, from: from, timeout: config.mail.timeout,
                    trustedCertificateFile: config.mail.trustedCertificateFile, logger: logger)
            } catch {
                throw ConfigError("MONPS_SMTP_CA_FILE", "cannot be used for TLS: \(error)")
            }
        }
        mailer = AccountMailer(identity: identity, sender: sender, publicURL: config.publicURL, logger: logger)
        rateLimiter = FailoverRateLimiter(redis: redis, blocks: config.rateLimitBlocks, logger: logger)
        // Validated when the configuration was loaded.
        rateLimitPolicies = RateLimitPolicyStore(
            try config.rateLimitOverrides.map { try RateLimitPolicies(json: Data($0.utf8)) } ?? .defaults)
        // Throttle keys are HMACs under a secret derived from the signing key, so they reveal no email.
        loginThrottle = LoginThrottle(
            redis: redis, policy: LoginThrottlePolicy(credentialThreshold: config.refusedCredentialLimit), keySecret: CryptoPrimitives.sha256("monps-login-throttle:" + secrets[0]), logger: logger)
    }

    /// Background work: flushing API-token usage (one batched write instead of one per request) and account mail.
    var lifecycleServices: [any Service] {
        [TokenUsageService(recorder: usage), AccountMailerService(mailer: mailer)]
    }

    /// The rate-limit subject of a request, without touching the database: a verified access token's user
    /// and role, else the client address (API tokens and bad tokens count against the address). The verified token
    /// is returned too, for authentication to use instead of checking the signature again.
    func rateLimitSubject(authorization: String?, clientAddress: String?) -> (RateLimitSubject, VerifiedAccessToken?) {
        guard let header = authorization, let bearer = AuthenticationMiddleware.bearerToken(header) else {
            return (.anonymous(ip: clientAddress), nil)
        }
        if let token = APITokenSecret.parse(bearer) {
            return (.apiToken(id: String(token.hash.prefix(32))), nil)
        }
        guard let claims = try? identity.verifyAccessToken(bearer) else { return (.anonymous(ip: clientAddress), nil) }
        // Only the rate-limit budget is chosen from the token's role claim (authentication, next, reads the account's
        // role): a role this version does not know gets the strictest budget.
        return (
            .user(id: claims.subject, role: RateLimitSubject.Role(rawValue: claims.role) ?? .viewer),
            VerifiedAccessToken(bearer: bearer, claims: claims)
        )
    }
}

/// Runs the token-usage flusher until shutdown; it flushes once more on the way out.
struct TokenUsageService: Service {
    let recorder: TokenUsageRecorder

    func run() async throws {
        await cancelWhenGracefulShutdown { await recorder.run() }
    }
}
