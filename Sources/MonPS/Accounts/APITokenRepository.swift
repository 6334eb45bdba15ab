import Foundation
import PostgresNIO

/// A personal API token as shown to its owner (never the secret: only `displayPrefix`).
public struct APITokenRecord: Sendable, Equatable {
    public enum State: String, Sendable { case active, expired, revoked }

    public var id: UUID
    public var userID: UUID
    public var name: String
    /// `mps_` + 8 characters: enough to recognise the token, useless to an attacker.
    public var displayPrefix: String
    /// The scopes granted at creation; the effective ones are these ∩ what the owner's role allows now.
    public var scopes: Set<Scope>
    public var expiresAt: Date
    public var createdAt: Date
    public var revokedAt: Date?
    /// Updated in batches by `TokenUsageRecorder` (may lag by the flush interval).
    public var lastUsedAt: Date?
    public var lastUsedIP: String?

    public func state(at now: Date) -> State {
        if revokedAt != nil { return .revoked }
        return expiresAt <= now ? .expired : .active
    }
}

struct NewAPIToken: Sendable {
    var userID: UUID
    var name: String
    var tokenHash: String
    var displayPrefix: String
    var scopes: Set<Scope>
    var expiresAt: Date
    var createdAt: Date
}

/// A token looked up for authentication, with what is needed to judge it.
struct APITokenCredential: Sendable {
    var token: APITokenRecord
    var ownerRole: Role
    var ownerStatus: UserStatus
}

/// One buffered "token used" fact.
struct APITokenUsage: Sendable, Equatable {
    var tokenID: UUID
    var usedAt: Date
    var ip: String?
}

protocol APITokenRepository: Sendable {
    func insert(_ token: NewAPIToken) async throws -> APITokenRecord
    /// Tokens neither revoked nor expired.
    func countActive(userID: UUID, now: Date) async throws -> Int
    func findForAuthentication(tokenHash: String) async throws -> APITokenCredential?
    /// The user's tokens, newest first, after the token `afterID`; only active ones unless `includeInactive`.
    func list(userID: UUID, afterID: UUID?, limit: Int, includeInactive: Bool, now: Date) async throws
        -> [APITokenRecord]
    /// Revokes the token if it belongs to `userID` (idempotent). Nil when no such token of that user exists.
    func revoke(id: UUID, userID: UUID, at: Date) async throws -> (record: APITokenRecord, newlyRevoked: Bool)?
    @discardableResult
    func revokeAll(userID: UUID, at: Date) async throws -> Int
    /// One statement for the whole batch; a newer stored `last_used_at` is never overwritten by an older one.
    func recordUsage(_ usages: [APITokenUsage]) async throws
}

struct PostgresAPITokenRepository: APITokenRepository {
    let executor: any SQLExecutor

    private static let columns = """
        t.id, t.user_id, t.name, t.display_prefix, t.scopes, t.expires_at, t.created_at, t.revoked_at, \
        t.last_used_at, t.last_used_ip
        """

    func insert(_ token: NewAPIToken) async throws -> APITokenRecord {
        let rows = try await executor.query(
            """
            INSERT INTO api_tokens AS t (user_id, name, token_hash, display_prefix, scopes, expires_at, created_at)
            VALUES (\(token.userID), \(token.name), \(token.tokenHash), \(token.displayPrefix),
                    \(token.scopes.map(\.rawValue).sorted()), \(token.expiresAt), \(token.createdAt))
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
        return try Self.decode(row)
    }

    func countActive(userID: UUID, now: Date) async throws -> Int {
        let rows = try await executor.query(
            """
            SELECT count(*)::int FROM api_tokens
            WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > \(now)
            """)
        return try rows.first?.decode(Int.self) ?? 0
    }

    func findForAuthentication(tokenHash: String) async throws -> APITokenCredential? {
        let rows = try await executor.query(
            """
            SELECT \(unescaped: Self.columns), u.role, u.status
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(tokenHash)
            """)
        guard let row = rows.first else { return nil }
        let token = try Self.decode(row)
        let read = RowReader(row)
        // A value this version does not know is a storage fault (the request fails), never a guessed role or status.
        return APITokenCredential(token: token, ownerRole: try read("role"), ownerStatus: try read("status"))
    }

    func list(userID: UUID, afterID: UUID?, limit: Int, includeInactive: Bool, now: Date) async throws
        -> [APITokenRecord]
    {
        try await executor.query(
            """
            SELECT \(unescaped: Self.columns) FROM api_tokens t
            WHERE t.user_id = \(userID)
              AND (\(includeInactive) OR (t.revoked_at IS NULL AND t.expires_at > \(now)))
              AND (\(afterID)::uuid IS NULL OR (t.created_at, t.id) <
                   (SELECT created_at, id FROM api_tokens WHERE id = \(afterID) AND user_id = \(userID)))
            ORDER BY t.created_at DESC, t.id DESC
            LIMIT \(limit)
            """
        ).map(Self.decode)
    }

    func revoke(id: UUID, userID: UUID, at: Date) async throws -> (record: APITokenRecord, newlyRevoked: Bool)? {
        // The CTE sees the row before the update: it tells whether this call revoked it.
        let rows = try await executor.query(
            """
            WITH before AS (SELECT id, revoked_at FROM api_tokens WHERE id = \(id) AND user_id = \(userID))
            UPDATE api_tokens AS t SET revoked_at = COALESCE(t.revoked_at, \(at))
            FROM before WHERE t.id = before.id
            RETURNING \(unescaped: Self.columns), before.revoked_at IS NULL AS newly_revoked
            """)
        guard let row = rows.first else { return nil }
        let record = try Self.decode(row)
        let newly: Bool = try RowReader(row)("newly_revoked")
        return (record, newly)
    }

    func revokeAll(userID: UUID, at: Date) async throws -> Int {
        try await executor.query(
            "UPDATE api_tokens SET revoked_at = \(at) WHERE user_id = \(userID) AND revoked_at IS NULL RETURNING id"
        ).count
    }

    func recordUsage(_ usages: [APITokenUsage]) async throws {
        guard !usages.isEmpty else { return }
        let ids = usages.map(\.tokenID)
        let times = usages.map(\.usedAt)
        let ips = usages.map { $0.ip ?? "" }
        try await executor.query(
            """
            UPDATE api_tokens AS t
            SET last_used_at = v.used_at, last_used_ip = NULLIF(v.ip, '')
            FROM unnest(\(ids)::uuid[], \(times)::timestamptz[], \(ips)::text[]) AS v(id, used_at, ip)
            WHERE t.id = v.id AND (t.last_used_at IS NULL OR t.last_used_at < v.used_at)
            """)
    }

    static func decode(_ row: PostgresRow) throws -> APITokenRecord {
        let value = RowReader(row)
        // A scope this build does not know grants nothing (a token written by a newer release keeps working here).
        let scopes: [String] = try value("scopes")
        return APITokenRecord(
            id: try value("id"), userID: try value("user_id"), name: try value("name"),
            displayPrefix: try value("display_prefix"), scopes: Set(scopes.compactMap(Scope.init(rawValue:))),
            expiresAt: try value("expires_at"), createdAt: try value("created_at"), revokedAt: try value("revoked_at"),
            lastUsedAt: try value("last_used_at"), lastUsedIP: try value("last_used_ip"))
    }
}
