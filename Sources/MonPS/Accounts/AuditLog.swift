import Foundation
import PostgresNIO

/// An audit action name, `area.object[.verb]` in lower snake case (the table checks the shape).
/// Other features add their own: `AuditAction("bet.deleted")`.
public struct AuditAction: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let loginSucceeded: AuditAction = "auth.login.succeeded"
    public static let loginFailed: AuditAction = "auth.login.failed"
    public static let accountLocked: AuditAction = "auth.account.locked"
    public static let refreshReused: AuditAction = "auth.refresh.reused"
    public static let logout: AuditAction = "auth.logout"
    public static let logoutAll: AuditAction = "auth.logout_all"
    public static let tokenCreated: AuditAction = "token.created"
    public static let tokenRevoked: AuditAction = "token.revoked"
    public static let userRegistered: AuditAction = "user.registered"
    public static let userCreated: AuditAction = "user.created"
    public static let userProfileUpdated: AuditAction = "user.profile_updated"
    public static let userPasswordChanged: AuditAction = "user.password_changed"
    public static let userRoleChanged: AuditAction = "user.role_changed"
    public static let userDisabled: AuditAction = "user.disabled"
    public static let userEnabled: AuditAction = "user.enabled"
    public static let userDeleted: AuditAction = "user.deleted"
}

/// A JSON value for `audit_log.details` (kept deliberately small: no nesting).
public enum AuditValue: Sendable, Equatable, Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral
{
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let values): try container.encode(values)
        }
    }
}

/// One audit record as read back.
public struct AuditEvent: Sendable, Equatable {
    public var id: Int64
    public var occurredAt: Date
    public var actorUserID: UUID?
    public var action: String
    public var targetType: String?
    public var targetID: String?
    public var ip: String?
    public var requestID: String?
    public var userAgent: String?
    /// The `details` object as JSON text.
    public var detailsJSON: String
}

public struct AuditFilter: Sendable, Equatable {
    public var action: String?
    public var actorUserID: UUID?
    public var targetID: String?

    public init(action: String? = nil, actorUserID: UUID? = nil, targetID: String? = nil) {
        self.action = action
        self.actorUserID = actorUserID
        self.targetID = targetID
    }
}

/// The append-only security log (`audit_log`; the database refuses UPDATE/DELETE/TRUNCATE).
/// Record inside the transaction of the change it describes (`record(on:…)`) so both commit or neither.
public struct AuditLog: Sendable {
    let database: Database
    let now: @Sendable () -> Date

    public init(database: Database, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Records one event in its own statement.
    public func record(
        _ action: AuditAction, actor: UUID?, targetType: String? = nil, targetID: String? = nil,
        context: AuditContext = .none, details: [String: AuditValue] = [:]
    ) async throws {
        try await record(
            on: database, action, actor: actor, targetType: targetType,
            targetID: targetID, context: context,
            details: details)
    }

    func record(
        on executor: any SQLExecutor, _ action: AuditAction, actor: UUID?, targetType: String? = nil,
        targetID: String? = nil, context: AuditContext = .none, details: [String: AuditValue] = [:]
    ) async throws {
        let context = context.sanitized
        let json = try Self.encode(details)
        try await executor.query(
            """
            INSERT INTO audit_log (occurred_at, actor_user_id, action, target_type, target_id, ip, request_id,
                                   user_agent, details)
            VALUES (\(now()), \(actor), \(action.rawValue), \(targetType), \(targetID), \(context.ip),
                    \(context.requestID), \(context.userAgent), \(json)::jsonb)
            """)
    }

    /// Newest first, starting after (older than) the event `afterID`.
    public func list(filter: AuditFilter = AuditFilter(), afterID: Int64? = nil, limit: Int = 50) async throws
        -> [AuditEvent]
    {
        let limit = max(1, min(limit, 500))
        return try await database.query(
            """
            SELECT id, occurred_at, actor_user_id, action, target_type, target_id, ip, request_id, user_agent,
                   details::text AS details
            FROM audit_log
            WHERE (\(afterID)::bigint IS NULL OR id < \(afterID))
              AND (\(filter.action)::text IS NULL OR action = \(filter.action))
              AND (\(filter.actorUserID)::uuid IS NULL OR actor_user_id = \(filter.actorUserID))
              AND (\(filter.targetID)::text IS NULL OR target_id = \(filter.targetID))
            ORDER BY id DESC
            LIMIT \(limit)
            """
        ).map { row in
            let read = RowReader(row)
            return AuditEvent(
                id: try read("id"), occurredAt: try read("occurred_at"), actorUserID: try read("actor_user_id"),
                action: try read("action"), targetType: try read("target_type"), targetID: try read("target_id"),
                ip: try read("ip"), requestID: try read("request_id"), userAgent: try read("user_agent"),
                detailsJSON: try read("details"))
        }
    }

    static func encode(_ details: [String: AuditValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(details), as: UTF8.self)
    }
}
