import Foundation
import MonPSAPI

/// Operations of the `notifications` tag for the caller's webhooks. Another user's webhook is a 404.
extension APIHandler {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let principal = try RequestScope.requirePrincipal()
        let records = try await notifications.webhooks.list(owner: principal.userID)
        return .ok(.init(body: .json(.init(data: try records.map(Components.Schemas.Webhook.init)))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let kind = try body.kind.bridged(WebhookKind.self)
        let (record, secret) = try await notifications.webhooks.create(
            owner: principal.userID, kind: kind, name: try Self.webhookName(body.name),
            events: try body.events.map { try $0.bridged() }, enabled: body.enabled ?? true,
            target: WebhookTargetInput(url: body.url, botToken: body.botToken, chatID: body.chatId))
        return .created(.init(body: .json(.init(webhook: try .init(record), signingSecret: .init(secret)))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        let principal = try RequestScope.requirePrincipal()
        let record = try await notifications.webhooks.get(id: try UUID.parameter(input.path.id), owner: principal.userID)
        return .ok(.init(body: .json(try .init(record))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let record = try await notifications.webhooks.update(
            id: try UUID.parameter(input.path.id), owner: principal.userID, name: try body.name.map(Self.webhookName),
            events: try body.events?.map { try $0.bridged() }, enabled: body.enabled,
            target: WebhookTargetInput(url: body.url, botToken: body.botToken, chatID: body.chatId))
        return .ok(.init(body: .json(try .init(record))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        let principal = try RequestScope.requirePrincipal()
        try await notifications.webhooks.delete(id: try UUID.parameter(input.path.id), owner: principal.userID)
        return .noContent(.init())
    }

    /// A `webhook.test` message through the real sender (checks, format, signature, rate limit), not recorded.
    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        let principal = try RequestScope.requirePrincipal()
        let endpoint = try await notifications.webhooks.endpoint(id: try UUID.parameter(input.path.id), owner: principal.userID)
        let notification = OutgoingNotification(
            id: "test-\(UUID().uuidString.lowercased())", type: "webhook.test", subject: endpoint.id.uuidString.lowercased(),
            createdAt: now(), payload: #"{"message":"MonPS test message: this webhook works."}"#)
        let started = ContinuousClock.now
        let outcome = await notifications.sender.send(notification, to: endpoint)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let result: Components.Schemas.WebhookTestResult
        switch outcome {
        case .delivered(let status):
            result = .init(delivered: true, statusCode: .init(status), durationMs: milliseconds, error: .init(nil))
        case .failed(let status, let error, _):
            result = .init(delivered: false, statusCode: .init(status), durationMs: milliseconds, error: .init(error))
        case .rateLimited(let wait):
            result = .init(
                delivered: false, statusCode: .init(nil), durationMs: milliseconds,
                error: .init("rate limited: try again in \(max(1, wait.components.seconds)) s"))
        }
        return .ok(.init(body: .json(result)))
    }

    private static func webhookName(_ name: String) throws(WebhookError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WebhookError.invalid(field: "name", message: "must be printable text")
        }
        return trimmed
    }
}

extension Components.Schemas.Webhook {
    init(_ record: WebhookRecord) throws {
        self.init(
            id: record.id.uuidString.lowercased(), kind: try record.kind.bridged(), name: record.name,
            targetDisplay: record.targetDisplay, events: try record.events.map { try $0.bridged() }, enabled: record.enabled,
            createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
