import Foundation
import MonPSCore
import PostgresNIO

/// A webhook as its owner sees it (never its URL, token or secret).
struct WebhookRecord: Sendable, Equatable {
    let id: UUID
    let kind: WebhookKind
    let name: String
    let targetDisplay: String
    let events: [NotificationType]
    let enabled: Bool
    let createdAt: Date
    let updatedAt: Date
}

/// Where a webhook sends: `url` for Discord and generic, `botToken` and `chatID` for Telegram.
struct WebhookTargetInput: Sendable {
    var url: String?
    var botToken: String?
    var chatID: String?

    var isEmpty: Bool { url == nil && botToken == nil && chatID == nil }
}

/// The `webhooks` table: per-user CRUD with targets and secrets sealed by `MONPS_DATA_KEY` (bound to their row
/// and column as associated data, so a sealed value copied elsewhere does not open).
struct WebhookStore: Sendable {
    static let maximumPerUser = 10
    static let discordHosts: Set<String> = ["discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com"]

    let database: Database
    let cipher: DataCipher?
    let addressGuard: WebhookAddressGuard

    func list(owner: UUID) async throws -> [WebhookRecord] {
        try await database.query(
            "SELECT \(unescaped: Self.columns) FROM webhooks WHERE user_id = \(owner) ORDER BY created_at, id", Self.record)
    }

    func get(id: UUID, owner: UUID) async throws -> WebhookRecord {
        guard let record = try await database.query(
            "SELECT \(unescaped: Self.columns) FROM webhooks WHERE id = \(id) AND user_id = \(owner)", Self.record
        ).first else { throw WebhookError.webhookNotFound }
        return record
    }

    /// Creates a webhook; for `generic` also its signing secret, returned here only.
    func create(
        owner: UUID, kind: WebhookKind, name: String, events: [NotificationType], enabled: Bool, target input: WebhookTargetInput
    ) async throws -> (WebhookRecord, signingSecret: String?) {
        guard let cipher else { throw WebhookError.noDataKey }
        let id = UUID()
        let target = try await validatedTarget(kind: kind, input: input, requireAll: true)
        var secret = target.secret
        var signingSecret: String?
        if kind == .generic {
            let generated = "whsec_" + Base64URL.encode(try CryptoPrimitives.secureRandomBytes(count: 32))
            signingSecret = generated
            secret = generated
        }
        guard let value = target.value else { throw WebhookError.invalid(field: "url", message: "is required") }
        let targetSealed = try cipher.encrypt(value, associatedData: Self.context(id, "target"))
        let secretSealed = try secret.map { try cipher.encrypt($0, associatedData: Self.context(id, "secret")) }
        let record = try await database.transaction { connection -> WebhookRecord? in
            // The owner's row lock serialises concurrent creations, so the cap holds.
            _ = try await connection.query("SELECT 1 FROM users WHERE id = \(owner) FOR UPDATE")
            let count = try await connection.query("SELECT count(*) FROM webhooks WHERE user_id = \(owner)")
                .first?.decode(Int.self) ?? 0
            guard count < Self.maximumPerUser else { return nil }
            return try await connection.query(
                """
                INSERT INTO webhooks (id, user_id, kind, name, target_sealed, target_display, secret_sealed, events, enabled)
                VALUES (\(id), \(owner), \(kind.rawValue), \(name), \(targetSealed), \(target.display ?? "?"),
                        \(secretSealed), \(events.map(\.rawValue)), \(enabled))
                RETURNING \(unescaped: Self.columns)
                """
            ).map(Self.record).first
        }
        guard let record else { throw WebhookError.limitReached(Self.maximumPerUser) }
        return (record, signingSecret)
    }

    func update(
        id: UUID, owner: UUID, name: String?, events: [NotificationType]?, enabled: Bool?, target input: WebhookTargetInput
    ) async throws -> WebhookRecord {
        let current = try await get(id: id, owner: owner)
        var targetSealed: String?, display: String?, secretSealed: String?
        if !input.isEmpty {
            guard let cipher else { throw WebhookError.noDataKey }
            let target = try await validatedTarget(kind: current.kind, input: input, requireAll: false)
            targetSealed = try target.value.map { try cipher.encrypt($0, associatedData: Self.context(id, "target")) }
            display = target.display
            secretSealed = try target.secret.map { try cipher.encrypt($0, associatedData: Self.context(id, "secret")) }
        }
        guard let record = try await database.query(
            """
            UPDATE webhooks SET name = coalesce(\(name), name), events = coalesce(\(events?.map(\.rawValue))::text[], events),
                   enabled = coalesce(\(enabled), enabled), target_sealed = coalesce(\(targetSealed), target_sealed),
                   target_display = coalesce(\(display), target_display),
                   secret_sealed = coalesce(\(secretSealed), secret_sealed), updated_at = now()
            WHERE id = \(id) AND user_id = \(owner)
            RETURNING \(unescaped: Self.columns)
            """, Self.record
        ).first else { throw WebhookError.webhookNotFound }
        return record
    }

    func delete(id: UUID, owner: UUID) async throws {
        let deleted = try await database.query("DELETE FROM webhooks WHERE id = \(id) AND user_id = \(owner) RETURNING id")
        guard !deleted.isEmpty else { throw WebhookError.webhookNotFound }
    }

    /// The owner's webhook with its target and secret opened, for a test message.
    func endpoint(id: UUID, owner: UUID) async throws -> WebhookEndpoint {
        guard let row = try await database.query(
            "SELECT kind, target_sealed, secret_sealed FROM webhooks WHERE id = \(id) AND user_id = \(owner)"
        ).first else { throw WebhookError.webhookNotFound }
        let read = RowReader(row)
        return try open(
            id: id, kind: try read("kind"), targetSealed: try read("target_sealed"), secretSealed: try read("secret_sealed"))
    }

    struct Unopenable: Error, CustomStringConvertible {
        var description: String { "the webhook's stored target cannot be decrypted (was MONPS_DATA_KEY changed?)" }
    }

    func open(id: UUID, kind: String, targetSealed: String, secretSealed: String?) throws -> WebhookEndpoint {
        guard let cipher, let kind = WebhookKind(rawValue: kind) else { throw Unopenable() }
        do {
            return WebhookEndpoint(
                id: id, kind: kind, target: try cipher.decrypt(targetSealed, associatedData: Self.context(id, "target")),
                secret: try secretSealed.map { try cipher.decrypt($0, associatedData: Self.context(id, "secret")) })
        } catch {
            throw Unopenable()
        }
    }

    // MARK: - Validation

    /// The target value to seal, what the owner sees of it, and (Telegram) the bot token. On update
    /// (`requireAll` false) only the given parts are checked and returned.
    private func validatedTarget(kind: WebhookKind, input: WebhookTargetInput, requireAll: Bool) async throws
        -> (value: String?, display: String?, secret: String?)
    {
        switch kind {
        case .telegram:
            if input.url != nil { throw WebhookError.invalid(field: "url", message: "telegram webhooks take bot_token and chat_id") }
            if requireAll {
                guard input.botToken != nil else { throw WebhookError.invalid(field: "bot_token", message: "is required for telegram") }
                guard input.chatID != nil else { throw WebhookError.invalid(field: "chat_id", message: "is required for telegram") }
            }
            return (input.chatID, input.chatID, input.botToken)
        case .discord, .generic:
            if input.botToken != nil { throw WebhookError.invalid(field: "bot_token", message: "only for telegram webhooks") }
            if input.chatID != nil { throw WebhookError.invalid(field: "chat_id", message: "only for telegram webhooks") }
            guard let url = input.url else {
                if requireAll { throw WebhookError.invalid(field: "url", message: "is required for \(kind.rawValue)") }
                return (nil, nil, nil)
            }
            let checked: CheckedWebhookTarget
            do {
                checked = try await addressGuard.check(url)
            } catch {
                throw WebhookError.targetRefused(field: "url", reason: error.description)
            }
            if kind == .discord {
                guard checked.allowListed || Self.discordHosts.contains(checked.host) else {
                    throw WebhookError.invalid(field: "url", message: "is not a Discord webhook URL (https://discord.com/api/webhooks/…)")
                }
                let path = URLComponents(string: url)?.path ?? ""
                guard path.wholeMatch(of: /\/api\/webhooks\/[0-9]{1,25}\/[A-Za-z0-9_-]{1,200}/) != nil else {
                    throw WebhookError.invalid(field: "url", message: "is not a Discord webhook URL (https://discord.com/api/webhooks/…)")
                }
            }
            return (url, checked.host, nil)
        }
    }

    static func context(_ id: UUID, _ column: String) -> String { "webhooks:\(id.uuidString.lowercased()):\(column)" }

    private static let columns = "id, kind, name, target_display, events, enabled, created_at, updated_at"

    private static func record(_ row: PostgresRow) throws -> WebhookRecord {
        let read = RowReader(row)
        let events: [String] = try read("events")
        return WebhookRecord(
            id: try read("id"), kind: try read("kind"), name: try read("name"), targetDisplay: try read("target_display"),
            events: try events.map { try NotificationType(stored: $0, column: "webhooks.events") },
            enabled: try read("enabled"), createdAt: try read("created_at"),
            updatedAt: try read("updated_at"))
    }
}
