import Foundation
import Logging
import ServiceLifecycle

/// Sends due deliveries: claims a batch (`DeliveryQueue.claim`), sends them at once, records each outcome,
/// and goes on at once while there is work; idle, it looks again every `pollInterval` (a poll rather than the
/// Redis signal: simple, and a second at most of delay). Runs in `serve` and `monps worker`, any number of
/// instances side by side. On shutdown it finishes the sends in progress and stops.
struct DeliveryWorker: Service {
    let queue: DeliveryQueue
    let store: WebhookStore
    let sender: WebhookSender
    let settings: WebhookDeliverySettings
    let logger: Logger
    /// Email deliveries go through this when set; without it they stay pending and unclaimed.
    var mailer: (any NotificationMailer)?

    private var backoff: DeliveryBackoff { DeliveryBackoff(base: settings.backoffBase) }
    private var channels: [String] { mailer == nil ? ["webhook"] : ["webhook", "email"] }

    func run() async throws {
        let poll = settings.pollInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let handled = await runOnce()
            if handled < settings.concurrency {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
            }
        }
    }

    /// Claims and sends one batch; returns how many deliveries it handled.
    @discardableResult
    func runOnce() async -> Int {
        let batch: [ClaimedDelivery]
        do {
            batch = try await queue.claim(limit: settings.concurrency, channels: channels, lease: settings.claimLease)
        } catch {
            logger.warning("delivery claim failed", metadata: ["error": .string("\(error)")])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in batch { group.addTask { await deliver(delivery) } }
        }
        return batch.count
    }

    private func deliver(_ delivery: ClaimedDelivery) async {
        var log = logger
        log[metadataKey: "delivery_id"] = .stringConvertible(delivery.id)
        log[metadataKey: "event_id"] = .string(delivery.notification.id)
        do {
            switch delivery.channel {
            case "email":
                guard let mailer else { return }
                do {
                    try await mailer.send(delivery.notification, to: delivery.userID)
                    try await queue.markDelivered(id: delivery.id)
                } catch {
                    try await fail(delivery, error: "mail not sent: \(error)", retryAfter: nil, log: log)
                }
            default:
                guard let webhook = delivery.webhook else { return }
                guard webhook.enabled else {
                    try await queue.markDead(id: delivery.id, error: "the webhook is disabled")
                    return
                }
                let endpoint: WebhookEndpoint
                do {
                    endpoint = try store.open(
                        id: webhook.id, kind: webhook.kind, targetSealed: webhook.targetSealed,
                        secretSealed: webhook.secretSealed)
                } catch {
                    try await queue.markDead(id: delivery.id, error: "\(error)")
                    return
                }
                switch await sender.send(delivery.notification, to: endpoint) {
                case .delivered:
                    try await queue.markDelivered(id: delivery.id)
                case .rateLimited(let wait):
                    try await queue.postpone(id: delivery.id, by: wait)
                case .failed(_, let error, let retryAfter):
                    try await fail(delivery, error: error, retryAfter: retryAfter, log: log)
                }
            }
        } catch {
            // The outcome could not be written: the claim's lease runs out and the delivery is sent again.
            log.warning("delivery outcome not recorded", metadata: ["error": .string("\(error)")])
        }
    }

    private func fail(_ delivery: ClaimedDelivery, error: String, retryAfter: Duration?, log: Logger) async throws {
        let wait = max(backoff.delay(afterAttempt: delivery.attempts), retryAfter ?? .zero)
        try await queue.markFailed(id: delivery.id, error: error, retryIn: wait, maxAttempts: settings.maxAttempts)
        log.info(
            "delivery failed",
            metadata: ["attempt": .stringConvertible(delivery.attempts), "error": .string(error),
                       "dead": .stringConvertible(delivery.attempts >= settings.maxAttempts)])
    }
}
