import Foundation
import PostgresNIO

/// An account as the API may show it: no password hash, no lockout counters.
public struct UserRecord: Sendable, Equatable {
    public var id: UUID
    /// As entered (trimmed).
    public var email: String
    public var displayName: String
    public var role: Role
    public var status: UserStatus
    public var createdAt: Date
    public var updatedAt: Date
    public var passwordChangedAt: Date
    public var lastLoginAt: Date?
    public var deletedAt: Date?
}

/// The full row, secrets included: stays inside the identity layer.
struct StoredUser: Sendable {
    var record: UserRecord
    var emailNormalized: String
    var passwordHash: String
    var failedLoginCount: Int
    var lockedUntil: Date?
    var sessionsValidAfter: Date?

    var id: UUID { record.id }
    var role: Role { record.role }
    var status: UserStatus { record.status }
}

struct NewUser: Sendable {
    var email: EmailAddress
    var displayName: String
    var passwordHash: String
    var role: Role
}

/// Filters of the admin user list. `status == nil` lists every account except deleted ones.
public struct UserListFilter: Sendable, Equatable {
    /// Case-insensitive substring of the (normalised) email address.
    public var emailContains: String?
    public var role: Role?
    public var status: UserStatus?

    public init(emailContains: String? = nil, role: Role? = nil, status: UserStatus? = nil) {
        self.emailContains = emailContains
        self.role = role
        self.status = status
    }
}

protocol UserRepository: Sendable {
    /// Any status, deleted included.
    func find(id: UUID) async throws -> StoredUser?
    /// The live (not deleted) account with this normalised address.
    func find(emailNormalized: String) async throws -> StoredUser?
    /// `find(id:)` with a row lock (inside a transaction).
    func lock(id: UUID) async throws -> StoredUser?
    /// Locks every active admin row in id order (one order everywhere, so no deadlocks) and returns their ids.
    func lockActiveAdmins() async throws -> [UUID]
    /// Nil when a live account already has the address.
    func insert(_ user: NewUser, now: Date) async throws -> StoredUser?
    /// Counts a failed sign-in unless the account is locked; locks it when the count reaches `threshold`.
    /// Returns the lock expiry when this failure locked the account.
    func recordFailedLogin(id: UUID, now: Date, threshold: Int, lockUntil: Date) async throws -> Date?
    func recordSuccessfulLogin(id: UUID, now: Date) async throws
    /// Replaces the hash only if it is still `old` (a rehash must not undo a concurrent password change).
    func upgradePasswordHash(id: UUID, old: String, new: String) async throws
    func changePassword(id: UUID, hash: String, now: Date) async throws
    func setDisplayName(id: UUID, _ name: String, now: Date) async throws
    func invalidateSessions(id: UUID, now: Date) async throws
    func setRole(id: UUID, _ role: Role, now: Date) async throws
    /// Sets the status (clearing the lockout when re-activating, stamping deleted_at when deleting).
    func setStatus(id: UUID, _ status: UserStatus, now: Date) async throws
    /// Ordered by (created_at, id), after the account `afterID`.
    func list(filter: UserListFilter, afterID: UUID?, limit: Int) async throws -> [UserRecord]
}

struct PostgresUserRepository: UserRepository {
    let executor: any SQLExecutor

    private static let columns = """
        id, email, display_name, role, status, created_at, updated_at, password_changed_at, last_login_at, \
        deleted_at, email_normalized, password_hash, failed_login_count, locked_until, sessions_valid_after
        """

    func find(id: UUID) async throws -> StoredUser? {
        try await executor.query("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id)")
            .first.map(Self.decode)
    }

    func find(emailNormalized: String) async throws -> StoredUser? {
        try await executor.query(
            """
            SELECT \(unescaped: Self.columns) FROM users
            WHERE email_normalized = \(emailNormalized) AND status <> 'deleted'
            """
        ).first.map(Self.decode)
    }

    func lock(id: UUID) async throws -> StoredUser? {
        try await executor.query("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id) FOR UPDATE")
            .first.map(Self.decode)
    }

    func lockActiveAdmins() async throws -> [UUID] {
        try await executor.query(
            "SELECT id FROM users WHERE role = 'admin' AND status = 'active' ORDER BY id FOR UPDATE"
        ).map { try $0.decode(UUID.self) }
    }

    func insert(_ user: NewUser, now: Date) async throws -> StoredUser? {
        try await executor.query(
            """
            INSERT INTO users (email, email_normalized, display_name, password_hash, role, status,
                               password_changed_at, created_at, updated_at)
            VALUES (\(user.email.entered), \(user.email.normalized), \(user.displayName), \(user.passwordHash),
                    \(user.role.rawValue), 'active', \(now), \(now), \(now))
            ON CONFLICT (email_normalized) WHERE status <> 'deleted' DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """
        ).first.map(Self.decode)
    }

    func recordFailedLogin(id: UUID, now: Date, threshold: Int, lockUntil: Date) async throws -> Date? {
        // SET expressions see the old row, so the count and the lock are decided together, atomically.
        let rows = try await executor.query(
            """
            UPDATE users SET
                failed_login_count = CASE WHEN failed_login_count + 1 >= \(threshold) THEN 0
                                          ELSE failed_login_count + 1 END,
                locked_until = CASE WHEN failed_login_count + 1 >= \(threshold) THEN \(lockUntil)
                                    ELSE locked_until END
            WHERE id = \(id) AND (locked_until IS NULL OR locked_until <= \(now))
            RETURNING locked_until
            """)
        guard let lockedUntil = try rows.first?.decode(Date?.self), lockedUntil > now else { return nil }
        return lockedUntil
    }

    func recordSuccessfulLogin(id: UUID, now: Date) async throws {
        try await executor.query(
            """
            UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = \(now)
            WHERE id = \(id)
            """)
    }

    func upgradePasswordHash(id: UUID, old: String, new: String) async throws {
        try await executor.query(
            "UPDATE users SET password_hash = \(new) WHERE id = \(id) AND password_hash = \(old)")
    }

    func changePassword(id: UUID, hash: String, now: Date) async throws {
        try await executor.query(
            """
            UPDATE users SET password_hash = \(hash), password_changed_at = \(now), updated_at = \(now),
                failed_login_count = 0, locked_until = NULL,
                sessions_valid_after = GREATEST(COALESCE(sessions_valid_after, \(now)), \(now))
            WHERE id = \(id)
            """)
    }

    func setDisplayName(id: UUID, _ name: String, now: Date) async throws {
        try await executor.query(
            "UPDATE users SET display_name = \(name), updated_at = \(now) WHERE id = \(id)")
    }

    func invalidateSessions(id: UUID, now: Date) async throws {
        try await executor.query(
            """
            UPDATE users SET sessions_valid_after = GREATEST(COALESCE(sessions_valid_after, \(now)), \(now))
            WHERE id = \(id)
            """)
    }

    func setRole(id: UUID, _ role: Role, now: Date) async throws {
        try await executor.query(
            "UPDATE users SET role = \(role.rawValue), updated_at = \(now) WHERE id = \(id)")
    }

    func setStatus(id: UUID, _ status: UserStatus, now: Date) async throws {
        try await executor.query(
            """
            UPDATE users SET status = \(status.rawValue), updated_at = \(now),
                deleted_at = CASE WHEN \(status.rawValue) = 'deleted' THEN \(now) ELSE NULL END,
                failed_login_count = CASE WHEN \(status.rawValue) = 'active' THEN 0 ELSE failed_login_count END,
                locked_until = CASE WHEN \(status.rawValue) = 'active' THEN NULL ELSE locked_until END
            WHERE id = \(id)
            """)
    }

    func list(filter: UserListFilter, afterID: UUID?, limit: Int) async throws -> [UserRecord] {
        let search = filter.emailContains.map(EmailAddress.normalize).flatMap { $0.isEmpty ? nil : $0 }
        return try await executor.query(
            """
            SELECT \(unescaped: Self.columns) FROM users
            WHERE (\(search)::text IS NULL OR strpos(email_normalized, \(search)) > 0)
              AND (\(filter.role?.rawValue)::text IS NULL OR role = \(filter.role?.rawValue))
              AND (CASE WHEN \(filter.status?.rawValue)::text IS NULL THEN status <> 'deleted'
                        ELSE status = \(filter.status?.rawValue) END)
              AND (\(afterID)::uuid IS NULL
                   OR (created_at, id) > (SELECT created_at, id FROM users WHERE id = \(afterID)))
            ORDER BY created_at, id
            LIMIT \(limit)
            """
        ).map { try Self.decode($0).record }
    }

    static func decode(_ row: PostgresRow) throws -> StoredUser {
        let value = RowReader(row)
        let record = UserRecord(
            id: try value("id"), email: try value("email"), displayName: try value("display_name"), role: try value("role"),
            status: try value("status"), createdAt: try value("created_at"), updatedAt: try value("updated_at"),
            passwordChangedAt: try value("password_changed_at"), lastLoginAt: try value("last_login_at"),
            deletedAt: try value("deleted_at"))
        return StoredUser(
            record: record, emailNormalized: try value("email_normalized"), passwordHash: try value("password_hash"),
            failedLoginCount: try value("failed_login_count"), lockedUntil: try value("locked_until"),
            sessionsValidAfter: try value("sessions_valid_after"))
    }
}
