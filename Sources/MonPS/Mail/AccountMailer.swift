import Foundation
import Logging
import ServiceLifecycle

/// Sends account mail off the request path: a request only queues the work (so the answer takes the same time
/// whether or not the address has an account); `run()` (a lifecycle service) looks the account up, issues the token
/// and sends, one job at a time, draining the queue on shutdown.
///
/// Without SMTP configured (`sender == nil`) nothing is queued: a warning is logged and no token is created.
public final class AccountMailer: Sendable {
    enum Job: Sendable {
        case passwordReset(email: String, context: AuditContext)
        case verification(email: String)
    }

    let identity: IdentityService
    let sender: (any MailSender)?
    let publicURL: String
    let logger: Logger
    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation

    init(identity: IdentityService, sender: (any MailSender)?, publicURL: String, logger: Logger) {
        self.identity = identity
        self.sender = sender
        self.publicURL = publicURL
        self.logger = logger
        // Bounded: a flood of requests (already rate limited) cannot grow memory without limit; the oldest go.
        let (jobs, queue) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingNewest(10_000))
        self.jobs = jobs
        self.queue = queue
    }

    public var isEnabled: Bool { sender != nil }

    /// Queues a reset mail for the address, if an active account has it.
    func requestPasswordReset(email: String, context: AuditContext) {
        enqueue(.passwordReset(email: email, context: context), what: "password reset")
    }

    /// Queues a verification mail for the address, if an active unverified account has it.
    func requestVerification(email: String) {
        enqueue(.verification(email: email), what: "email verification")
    }

    private func enqueue(_ job: Job, what: String) {
        guard sender != nil else {
            logger.warning("\(what) mail not sent: no SMTP server configured (MONPS_SMTP_URL)")
            return
        }
        queue.yield(job)
    }

    /// Processes the queue until it is finished (`finish()`, called on graceful shutdown).
    func run() async {
        for await job in jobs {
            await process(job)
        }
    }

    func finish() { queue.finish() }

    func process(_ job: Job) async {
        guard let sender else { return }
        let kind: String
        do {
            switch job {
            case .passwordReset(let email, let context):
                kind = "password reset"
                guard let user = try await identity.activeAccount(email: email) else { return }
                let token = try await identity.issueAccountToken(userID: user.id, purpose: .passwordReset, context: context)
                try await sender.send(
                    AccountMail.passwordReset(
                        to: try MailAddress(user.email), name: user.displayName, publicURL: publicURL, token: token))
            case .verification(let email):
                kind = "email verification"
                guard let user = try await identity.activeAccount(email: email),
                    try await !identity.isEmailVerified(userID: user.id)
                else { return }
                let token = try await identity.issueAccountToken(userID: user.id, purpose: .emailVerification)
                try await sender.send(
                    AccountMail.verification(to: try MailAddress(user.email), name: user.displayName, publicURL: publicURL, token: token))
            }
        } catch {
            // No address in the log (it would tell who has an account); the SMTP error carries no password.
            logger.error("account mail not sent", metadata: ["error": "\(error)"])
            return
        }
        logger.debug("\(kind) mail sent")
    }
}

/// Runs the account mailer beside the server; on graceful shutdown the queued mail is still sent.
struct AccountMailerService: Service {
    let mailer: AccountMailer

    func run() async throws {
        await withGracefulShutdownHandler {
            await mailer.run()
        } onGracefulShutdown: {
            mailer.finish()
        }
    }
}
