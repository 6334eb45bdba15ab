// Applies the invalidation channel to the process's near cache for as long as the server runs.

import Logging
import ServiceLifecycle

/// Subscribes to the response cache's invalidation channel and applies it to its `NearCache`: copies are
/// served only while the subscription is in place (see `NearCache`). Retries by itself after connection
/// losses (the subscription reconnects); a refused `SUBSCRIBE` leaves the copies off, logged.
struct NearCacheSync: Service {
    let cache: ResponseCache
    let logger: Logger

    func run() async throws {
        guard let near = cache.near else { return }
        defer { near.reset(live: false) }
        await cancelWhenGracefulShutdown {
            do {
                for try await event in cache.redis.subscriptionEvents(channels: [cache.invalidationChannel]) {
                    Self.apply(event, to: near)
                }
            } catch {
                logger.error(
                    "response cache: in-process copies are off, the invalidation channel was refused",
                    metadata: ["error": "\(error)"])
            }
        }
    }

    static func apply(_ event: RedisSubscriptionEvent, to near: NearCache) {
        switch event {
        case .subscribed:
            near.reset(live: true)
        case .interrupted:
            near.reset(live: false)
        case .message(let message):
            switch NearCacheMessage(payload: message.payload) {
            case .tag(let tag): near.invalidate(tag: tag)
            case .key(let key): near.remove(key)
            case nil: near.reset(live: true)  // not ours: distrust every copy rather than guess
            }
        }
    }
}
