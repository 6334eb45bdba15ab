import Foundation
import MonPSAPI
import MonPSCore
import OpenAPIRuntime

/// Operations of the `notifications` tag: the caller's own event log.
extension APIHandler {
    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let before = try page.afterID()
        let fetched = try await notifications.log.page(
            userID: principal.userID, unreadOnly: input.query.unread ?? false,
            type: try input.query._type?.bridged(), beforeID: before,
            limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.id)] }
        let unread = try await notifications.log.unreadCount(userID: principal.userID)
        return .ok(.init(body: .json(.init(
            data: try items.map(Components.Schemas.Notification.init), nextCursor: .init(next), unread: unread))))
    }

    func markNotificationsRead(_ input: Operations.MarkNotificationsRead.Input) async throws
        -> Operations.MarkNotificationsRead.Output
    {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        guard (body.ids == nil) != (body.upTo == nil) else {
            throw APIError.validation(field: "ids", message: "give either ids or up_to")
        }
        let updated = try await notifications.log.markRead(userID: principal.userID, ids: body.ids, upToID: body.upTo)
        let unread = try await notifications.log.unreadCount(userID: principal.userID)
        return .ok(.init(body: .json(.init(updated: updated, unread: unread))))
    }
}

extension APIHandler {
    func unsubscribeNotificationEmails(_ input: Operations.UnsubscribeNotificationEmails.Input) async throws
        -> Operations.UnsubscribeNotificationEmails.Output
    {
        guard let userID = notifications.unsubscribeLinks.userID(from: input.query.token),
              try await notifications.emailOptOut.optOut(userID: userID)
        else { throw APIError.invalidParameter("token", "is not a valid unsubscribe link") }
        return .ok(.init(body: .json(.init(email: false))))
    }
}

extension Components.Schemas.Notification {
    init(_ record: NotificationRecord) throws {
        let type: Components.Schemas.NotificationType = try record.type.bridged()
        self.init(
            id: record.id, _type: type, subject: record.subject,
            payload: .init(additionalProperties: try OpenAPIValueTree.object(json: record.payload)),
            createdAt: record.createdAt, readAt: record.readAt)
    }
}
