import Foundation
import MonPSAPI

/// Operations of the `notifications` tag for the caller's deliveries: the list (dead letters included) and retry.
extension APIHandler {
    func listNotificationDeliveries(_ input: Operations.ListNotificationDeliveries.Input) async throws
        -> Operations.ListNotificationDeliveries.Output
    {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let before = try page.afterID()
        let fetched = try await notifications.deliveries.page(
            owner: principal.userID, status: input.query.status?.rawValue, beforeID: before, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.id)] }
        return .ok(.init(body: .json(.init(
            data: try items.map(Components.Schemas.NotificationDelivery.init), nextCursor: .init(next)))))
    }

    func retryNotificationDelivery(_ input: Operations.RetryNotificationDelivery.Input) async throws
        -> Operations.RetryNotificationDelivery.Output
    {
        let principal = try RequestScope.requirePrincipal()
        let record = try await notifications.deliveries.retry(id: input.path.id, owner: principal.userID)
        return .ok(.init(body: .json(try .init(record))))
    }
}

extension Components.Schemas.NotificationDelivery {
    init(_ record: DeliveryRecord) throws {
        guard let type = Components.Schemas.NotificationType(rawValue: record.eventType) else { throw APIError.internalError }
        let channel: ChannelPayload =
            switch record.channel {
            case .webhook: .webhook
            case .email: .email
            }
        let status: Components.Schemas.DeliveryStatus =
            switch record.status {
            case .pending: .pending
            case .delivered: .delivered
            case .dead: .dead
            }
        self.init(
            id: record.id, eventId: record.eventID, eventType: type, channel: channel,
            webhookId: .init(record.webhookID?.uuidString.lowercased()), webhookName: .init(record.webhookName),
            status: status, attempts: record.attempts, lastError: .init(record.lastError),
            nextAttemptAt: record.nextAttemptAt, deliveredAt: .init(record.deliveredAt), createdAt: record.createdAt)
    }
}
