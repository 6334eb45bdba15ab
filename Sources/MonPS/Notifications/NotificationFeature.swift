import Foundation
import Logging

/// What the notification endpoints, producers and workers share: the event log, the outbox, the live stream's
/// hub and tickets, the webhooks and the delivery queue with its sender.
struct NotificationFeature: Sendable {
    let log: NotificationLog
    let outbox: NotificationOutbox
    let streams: StreamHub
    let tickets: StreamTickets
    let preferences: StreamPreferences
    let webhooks: WebhookStore
    let deliveries: DeliveryQueue
    let sender: WebhookSender
    /// The sender's HTTP clients: a lifecycle service of their own, shut down when the process stops.
    let httpClients: OutboundHTTPClients
    let settings: WebhookDeliverySettings
    /// The signed links of notification mails, and what following one does.
    let unsubscribeLinks: UnsubscribeLink
    let emailOptOut: EmailOptOut
    /// The email channel, when SMTP is configured; without it email deliveries wait.
    let emailer: NotificationEmailer?

    init(
        database: Database, redis: RedisClient, logger: Logger, config: AppConfig, mailSender: (any MailSender)?,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        log = NotificationLog(database: database)
        outbox = NotificationOutbox(redis: redis, logger: logger, now: now)
        streams = StreamHub(settings: config.stream, redis: redis, logger: logger)
        tickets = StreamTickets(redis: redis, now: now)
        preferences = StreamPreferences(database: database, now: now)
        settings = config.delivery
        let addressGuard = WebhookAddressGuard(allowHosts: config.delivery.allowHosts)
        webhooks = WebhookStore(
            database: database, cipher: config.dataKeyHex.flatMap { try? DataCipher(hexKey: $0) }, addressGuard: addressGuard)
        deliveries = DeliveryQueue(database: database)
        httpClients = OutboundHTTPClients(timeout: config.delivery.requestTimeout)
        sender = WebhookSender(
            addressGuard: addressGuard, clients: httpClients, limiter: RedisRateLimiter(redis: redis, namespace: "rl:"),
            settings: config.delivery, now: now)
        let links = UnsubscribeLink(jwtSecrets: config.jwtSecrets)
        unsubscribeLinks = links
        emailOptOut = EmailOptOut(database: database)
        emailer = mailSender.map {
            NotificationEmailer(database: database, sender: $0, links: links, publicURL: config.publicURL)
        }
    }

    func worker(logger: Logger) -> DeliveryWorker {
        DeliveryWorker(queue: deliveries, store: webhooks, sender: sender, settings: settings, logger: logger, mailer: emailer)
    }
}
