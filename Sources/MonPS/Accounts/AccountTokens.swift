import Foundation
import PostgresNIO

/// What a mailed one-time token proves when it comes back.
public enum AccountTokenPurpose: String, Sendable {
    case passwordReset = "password_reset"
    case emailVerification = "email_verification"

    /// Reset links are short-lived (they hand over the account); verification links last a day.
    var lifetime: TimeInterval {
        switch self {
        case .passwordReset: 30 * 60
        case .emailVerification: 24 * 3600
        }
    }
}

/// Why a mailed token or an unverified account was refused (mapped to problems in `AccountTokenError+HTTP`).
public enum AccountTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unknown, malformed, already used, replaced by a newer one, or its account is no longer active.
    case invalidToken
    case expiredToken
    /// Sign-in with the right password, but the address is not confirmed while verification is required.
    case emailNotVerified

    public var description: String {
        switch self {
        case .invalidToken: "the token is invalid, already used or replaced by a newer one"
        case .expiredToken: "the token has expired"
        case .emailNotVerified: "the email address is not verified"
        }
    }
}

struct AccountTokenRow: Sendable {
    var id: UUID
    var userID: UUID
    var purpose: String
    var expiresAt: Date
    var usedAt: Date?
    var invalidatedAt: Date?
}

/// `account_tokens`, and the verified flag of `users`.
struct PostgresAccountTokenRepository {
    let executor: any SQLExecutor

    /// Invalidates the user's unused tokens of `purpose`, then stores the new one (one transaction: at most one live
    /// token per purpose).
    func replace(userID: UUID, purpose: AccountTokenPurpose, hash: String, now: Date) async throws {
        try await executor.query(
            """
            UPDATE account_tokens SET invalidated_at = \(now)
            WHERE user_id = \(userID) AND purpose = \(purpose.rawValue) AND used_at IS NULL AND invalidated_at IS NULL
            """)
        try await executor.query(
            """
            INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at)
            VALUES (\(userID), \(purpose.rawValue), \(hash), \(now), \(now.addingTimeInterval(purpose.lifetime)))
            """)
    }

    /// The token with this hash, row-locked when inside a transaction (so it is spent once).
    func lock(hash: String) async throws -> AccountTokenRow? {
        try await executor.query(
            """
            SELECT id, user_id, purpose, expires_at, used_at, invalidated_at FROM account_tokens
            WHERE token_hash = \(hash) FOR UPDATE
            """
        ).first.map { row in
            let read = RowReader(row)
            return AccountTokenRow(
                id: try read("id"), userID: try read("user_id"), purpose: try read("purpose"), expiresAt: try read("expires_at"),
                usedAt: try read("used_at"), invalidatedAt: try read("invalidated_at"))
        }
    }

    /// Spends the token, and invalidates the user's other live tokens of the same purpose.
    func spend(_ token: AccountTokenRow, now: Date) async throws {
        try await executor.query("UPDATE account_tokens SET used_at = \(now) WHERE id = \(token.id)")
        try await executor.query(
            """
            UPDATE account_tokens SET invalidated_at = \(now)
            WHERE user_id = \(token.userID) AND purpose = \(token.purpose) AND id <> \(token.id)
              AND used_at IS NULL AND invalidated_at IS NULL
            """)
    }

    func isVerified(userID: UUID) async throws -> Bool {
        try await executor.query("SELECT email_verified_at IS NOT NULL FROM users WHERE id = \(userID)")
            .first.map { try $0.decode(Bool.self) } ?? false
    }

    func setVerified(userID: UUID, at: Date?) async throws {
        try await executor.query("UPDATE users SET email_verified_at = \(at) WHERE id = \(userID)")
    }

    /// Housekeeping: tokens past their expiry by more than a day are of no use, not even as evidence.
    @discardableResult
    func deleteExpired(before cutoff: Date) async throws -> Int {
        try await executor.query("DELETE FROM account_tokens WHERE expires_at < \(cutoff) RETURNING id").count
    }
}
