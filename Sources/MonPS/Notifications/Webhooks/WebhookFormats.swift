import Foundation

/// A webhook as the sender needs it: kind and decrypted target and secret.
struct WebhookEndpoint: Sendable {
    let id: UUID
    let kind: WebhookKind
    /// Discord/generic: the URL; Telegram: the chat id.
    let target: String
    /// Generic: the signing secret; Telegram: the bot token.
    let secret: String?

    /// Strings that must never appear in stored errors or logs.
    var secrets: [String] { [target, secret].compactMap { $0 }.filter { $0.count >= 6 } }
}

enum WebhookKind: String, Sendable, CaseIterable {
    case discord, telegram, generic
}

/// One event on its way out.
struct OutgoingNotification: Sendable {
    /// The event id (`X-MonPS-Event-Id`), or `test-<uuid>` for test messages.
    let id: String
    let type: String
    let subject: String
    let createdAt: Date
    /// The event's JSON object, as stored.
    let payload: String
}

/// An HTTP request ready to send.
struct WebhookRequest: Sendable {
    let url: String
    let headers: [(String, String)]
    let body: [UInt8]
}

/// The wire formats: signed generic JSON, Discord's execute-webhook body, Telegram's `sendMessage`.
enum WebhookFormats {
    static func request(
        for notification: OutgoingNotification, to endpoint: WebhookEndpoint, telegramAPIURL: String, now: Date
    ) throws -> WebhookRequest {
        switch endpoint.kind {
        case .generic:
            return generic(notification, url: endpoint.target, secret: endpoint.secret ?? "", now: now)
        case .discord:
            return WebhookRequest(
                url: endpoint.target, headers: [("Content-Type", "application/json")], body: try discord(notification))
        case .telegram:
            return WebhookRequest(
                url: "\(telegramAPIURL)/bot\(endpoint.secret ?? "")/sendMessage",
                headers: [("Content-Type", "application/json")], body: try telegram(notification, chatID: endpoint.target))
        }
    }

    // MARK: - Generic

    /// `{id, type, subject, created_at, payload}` (payload verbatim), signed over `"<timestamp>.<body>"`.
    static func generic(_ notification: OutgoingNotification, url: String, secret: String, now: Date) -> WebhookRequest {
        let body = Array(genericBody(notification).utf8)
        let timestamp = String(Int64(now.timeIntervalSince1970))
        return WebhookRequest(
            url: url,
            headers: [
                ("Content-Type", "application/json"), ("User-Agent", "MonPS-Webhook/1"),
                ("X-MonPS-Event-Id", notification.id), ("X-MonPS-Event-Type", notification.type),
                ("X-MonPS-Timestamp", timestamp),
                ("X-MonPS-Signature", signature(secret: secret, timestamp: timestamp, body: body)),
            ],
            body: body)
    }

    static func genericBody(_ notification: OutgoingNotification) -> String {
        let created = ISO8601DateFormatter().string(from: notification.createdAt)
        return "{\"id\":\(quoted(notification.id)),\"type\":\(quoted(notification.type)),"
            + "\"subject\":\(quoted(notification.subject)),\"created_at\":\(quoted(created)),"
            + "\"payload\":\(notification.payload)}"
    }

    /// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: what a receiver recomputes and compares.
    static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        "v1=" + Hex.encode(CryptoPrimitives.hmacSHA256(key: Array(secret.utf8), message: Array((timestamp + ".").utf8) + body))
    }

    // MARK: - Discord

    struct DiscordBody: Encodable {
        struct Embed: Encodable {
            struct Field: Encodable {
                let name: String
                let value: String
                let inline: Bool
            }
            let title: String
            let description: String
            let fields: [Field]
            let timestamp: String
            let color: Int
        }
        struct AllowedMentions: Encodable {
            let parse: [String]
        }
        let username: String
        let content: String
        let embeds: [Embed]
        // No @everyone/@here/role pings, whatever event names contain.
        let allowedMentions = AllowedMentions(parse: [])

        enum CodingKeys: String, CodingKey {
            case username, content, embeds
            case allowedMentions = "allowed_mentions"
        }
    }

    /// Discord's documented limits: content 2000, title 256, description 4096, 25 fields of name 256 / value 1024.
    static func discord(_ notification: OutgoingNotification) throws -> [UInt8] {
        let message = NotificationText.message(type: notification.type, payload: payloadObject(notification))
        let embed = DiscordBody.Embed(
            title: clip(message.title, 256), description: clip(message.summary, 4096),
            fields: message.fields.prefix(25).map { .init(name: clip($0.name, 256), value: clip($0.value, 1024), inline: true) },
            timestamp: ISO8601DateFormatter().string(from: notification.createdAt), color: 0x2E7D32)
        let body = DiscordBody(username: "MonPS", content: clip(message.title, 2000), embeds: [embed])
        return Array(try encoder.encode(body))
    }

    // MARK: - Telegram

    struct TelegramBody: Encodable {
        let chatID: String
        let text: String
        let parseMode = "HTML"
        let disableWebPagePreview = true

        enum CodingKeys: String, CodingKey {
            case text
            case chatID = "chat_id"
            case parseMode = "parse_mode"
            case disableWebPagePreview = "disable_web_page_preview"
        }
    }

    /// HTML parse mode: everything from the payload is escaped; the text stays within the 4096-character limit.
    static func telegram(_ notification: OutgoingNotification, chatID: String) throws -> [UInt8] {
        let message = NotificationText.message(type: notification.type, payload: payloadObject(notification))
        var lines = ["<b>\(escapeHTML(clip(message.title, 300)))</b>", escapeHTML(clip(message.summary, 500))]
        lines += message.fields.map { "<b>\(escapeHTML(clip($0.name, 100)))</b>: \(escapeHTML(clip($0.value, 300)))" }
        var text = lines.joined(separator: "\n")
        // Whole lines only, so no tag or entity is cut.
        while text.count > 4096, lines.count > 1 {
            lines.removeLast()
            text = lines.joined(separator: "\n")
        }
        return Array(try encoder.encode(TelegramBody(chatID: chatID, text: text)))
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    // MARK: - Helpers

    static func payloadObject(_ notification: OutgoingNotification) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(notification.payload.utf8))) as? [String: Any] ?? [:]
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
