import Foundation
import PostgresNIO

/// Why a refresh token (family) stopped working. Stored in `refresh_tokens.revoked_reason`.
enum SessionRevocationReason: String, Sendable {
    case logout
    case logoutAll = "logout_all"
    case reuseDetected = "reuse_detected"
    case passwordChanged = "password_changed"
    case userDisabled = "user_disabled"
    case userDeleted = "user_deleted"
}

/// One stored refresh token (the secret itself is never stored, only its SHA-256).
struct RefreshTokenRow: Sendable {
    var id: UUID
    var userID: UUID
    var familyID: UUID
    var sessionStartedAt: Date
    var issuedAt: Date
    var expiresAt: Date
    var usedAt: Date?
    var revokedAt: Date?
}

struct NewRefreshToken: Sendable {
    var userID: UUID
    var familyID: UUID
    var tokenHash: String
    var sessionStartedAt: Date
    var issuedAt: Date
    var expiresAt: Date
    var userAgent: String?
    var ip: String?
}

/// A live login session (refresh-token family) for "where am I signed in" views.
public struct SessionSummary: Sendable, Equatable {
    public var familyID: UUID
    public var startedAt: Date
    public var lastRefreshedAt: Date
    public var expiresAt: Date
    public var userAgent: String?
    public var ip: String?
}

protocol SessionRepository: Sendable {
    func insert(_ token: NewRefreshToken) async throws
    /// The token with this hash, row-locked (inside a transaction) so a rotation happens once.
    func lock(tokenHash: String) async throws -> RefreshTokenRow?
    func find(tokenHash: String) async throws -> RefreshTokenRow?
    func markUsed(id: UUID, at: Date) async throws
    /// Revokes every not-yet-revoked token of the family; returns how many.
    @discardableResult
    func revokeFamily(_ familyID: UUID, at: Date, reason: SessionRevocationReason) async throws -> Int
    /// Revokes every not-yet-revoked token of the user; returns how many.
    @discardableResult
    func revokeAll(userID: UUID, at: Date, reason: SessionRevocationReason) async throws -> Int
    /// Families with a usable (unused, unrevoked, unexpired) token, newest first.
    func activeSessions(userID: UUID, now: Date) async throws -> [SessionSummary]
    /// Deletes tokens that expired before `cutoff` (they can no longer be used nor signal reuse).
    func deleteExpired(before cutoff: Date) async throws -> Int
}

struct PostgresSessionRepository: SessionRepository {
    let executor: any SQLExecutor

    private static let columns =
        "id, user_id, family_id, session_started_at, issued_at, expires_at, used_at, revoked_at"

    func insert(_ token: NewRefreshToken) async throws {
        try await executor.query(
            """
            INSERT INTO refresh_tokens (user_id, family_id, token_hash, session_started_at, issued_at, expires_at,
                                        user_agent, ip)
            VALUES (\(token.userID), \(token.familyID), \(token.tokenHash), \(token.sessionStartedAt),
                    \(token.issuedAt), \(token.expiresAt), \(token.userAgent), \(token.ip))
            """)
    }

    func lock(tokenHash: String) async throws -> RefreshTokenRow? {
        try await executor.query(
            "SELECT \(unescaped: Self.columns) FROM refresh_tokens WHERE token_hash = \(tokenHash) FOR UPDATE"
        ).first.map(Self.decode)
    }

    func find(tokenHash: String) async throws -> RefreshTokenRow? {
        try await executor.query(
            "SELECT \(unescaped: Self.columns) FROM refresh_tokens WHERE token_hash = \(tokenHash)"
        ).first.map(Self.decode)
    }

    func markUsed(id: UUID, at: Date) async throws {
        try await executor.query("UPDATE refresh_tokens SET used_at = \(at) WHERE id = \(id) AND used_at IS NULL")
    }

    func revokeFamily(_ familyID: UUID, at: Date, reason: SessionRevocationReason) async throws -> Int {
        try await executor.query(
            """
            UPDATE refresh_tokens SET revoked_at = \(at), revoked_reason = \(reason.rawValue)
            WHERE family_id = \(familyID) AND revoked_at IS NULL
            RETURNING id
            """
        ).count
    }

    func revokeAll(userID: UUID, at: Date, reason: SessionRevocationReason) async throws -> Int {
        try await executor.query(
            """
            UPDATE refresh_tokens SET revoked_at = \(at), revoked_reason = \(reason.rawValue)
            WHERE user_id = \(userID) AND revoked_at IS NULL
            RETURNING id
            """
        ).count
    }

    func activeSessions(userID: UUID, now: Date) async throws -> [SessionSummary] {
        try await executor.query(
            """
            SELECT family_id, session_started_at, issued_at, expires_at, user_agent, ip
            FROM refresh_tokens
            WHERE user_id = \(userID) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > \(now)
            ORDER BY issued_at DESC, id DESC
            """
        ).map { row in
            let value = RowReader(row)
            return SessionSummary(
                familyID: try value("family_id"), startedAt: try value("session_started_at"),
                lastRefreshedAt: try value("issued_at"), expiresAt: try value("expires_at"), userAgent: try value("user_agent"),
                ip: try value("ip"))
        }
    }

    func deleteExpired(before cutoff: Date) async throws -> Int {
        try await executor.query("DELETE FROM refresh_tokens WHERE expires_at < \(cutoff) RETURNING id").count
    }

    static func decode(_ row: PostgresRow) throws -> RefreshTokenRow {
        let value = RowReader(row)
        return RefreshTokenRow(
            id: try value("id"), userID: try value("user_id"), familyID: try value("family_id"),
            sessionStartedAt: try value("session_started_at"), issuedAt: try value("issued_at"),
            expiresAt: try value("expires_at"), usedAt: try value("used_at"), revokedAt: try value("revoked_at"))
    }
}
