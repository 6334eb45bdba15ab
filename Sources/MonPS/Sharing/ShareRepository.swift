import Foundation
import PostgresNIO

/// A share as stored.
struct ShareRecord: Sendable, Equatable {
    var id: UUID
    var opportunityID: UUID
    var isLink: Bool
    var recipientEmail: String?
    var sharedBy: String?
    var note: String?
    var expiresAt: Date?
    var createdAt: Date
    var active: Bool
}

/// What a new set of shares stores: the (normalised) addresses, the public link's token hash when one is wanted, the
/// note and the lifetime. Expiry is on the database's clock (set and checked with `now()`), the one clock every
/// instance shares.
struct NewShares: Sendable, Equatable {
    var opportunityID: UUID
    var ownerID: UUID
    var emails: [String]
    var linkTokenHash: String?
    var note: String?
    var expiresInHours: Int?
}

protocol ShareRepository: Sendable {
    /// Stores the shares and their audit entry (`opportunity.shared`) in one transaction;
    /// `ShareError.opportunityNotFound` when the opportunity does not exist. User shares come back in address order,
    /// the link's last.
    func create(_ shares: NewShares, context: AuditContext) async throws -> [ShareRecord]
    /// Shares received (live only) or sent (all, with whether each still works), newest first after the keyset
    /// `(created_at µs, id)`, with each one's position.
    func list(user: UUID, received: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [(ShareRecord, Int64)]
    /// Revokes the owner's share; false when the owner has no such share.
    func revoke(_ id: UUID, owner: UUID) async throws -> Bool
    /// The opportunity behind the live link whose token hashes to `tokenHash`.
    func opportunity(forTokenHash tokenHash: String) async throws -> UUID?
}

struct PostgresShareRepository: ShareRepository {
    let database: Database
    let audit: AuditLog

    func create(_ new: NewShares, context: AuditContext) async throws -> [ShareRecord] {
        try await database.transaction { connection in
            guard try await connection.query("SELECT 1 FROM opportunities WHERE id = \(new.opportunityID)").first != nil else {
                throw ShareError.opportunityNotFound(new.opportunityID)
            }
            // Every address gets its share; only one an active account (not the sharer's) has is delivered. The
            // rows, and so the answer and the list of sent shares, are the same whether or not an account has it.
            let users = try await connection.query(
                """
                INSERT INTO opportunity_shares (opportunity_id, owner_id, recipient_email, recipient_id, note, expires_at)
                SELECT \(new.opportunityID), \(new.ownerID), address.email, u.id, \(new.note),
                       now() + make_interval(hours => \(new.expiresInHours)::int)
                FROM unnest(\(new.emails)::text[]) AS address(email)
                LEFT JOIN users u ON u.email_normalized = address.email AND u.status = 'active' AND u.id <> \(new.ownerID)
                ON CONFLICT (opportunity_id, owner_id, recipient_email) WHERE recipient_email IS NOT NULL AND revoked_at IS NULL
                DO UPDATE SET note = excluded.note, expires_at = excluded.expires_at, recipient_id = excluded.recipient_id
                RETURNING id, recipient_email, expires_at, created_at
                """
            ).map { row in
                let read = RowReader(row)
                return ShareRecord(
                    id: try read("id"), opportunityID: new.opportunityID, isLink: false,
                    recipientEmail: try read("recipient_email"), note: new.note, expiresAt: try read("expires_at"),
                    createdAt: try read("created_at"), active: true)
            }
            var created = users.sorted { ($0.recipientEmail ?? "") < ($1.recipientEmail ?? "") }
            if let hash = new.linkTokenHash {
                let rows = try await connection.query(
                    """
                    INSERT INTO opportunity_shares (opportunity_id, owner_id, token_hash, note, expires_at)
                    VALUES (\(new.opportunityID), \(new.ownerID), \(hash), \(new.note),
                            now() + make_interval(hours => \(new.expiresInHours)::int))
                    RETURNING id, expires_at, created_at
                    """)
                guard let row = rows.first else { throw StorageInvariantError.noRowReturned }
                let read = RowReader(row)
                created.append(ShareRecord(
                    id: try read("id"), opportunityID: new.opportunityID, isLink: true, note: new.note,
                    expiresAt: try read("expires_at"), createdAt: try read("created_at"), active: true))
            }
            try await audit.record(
                on: connection, AuditAction("opportunity.shared"), actor: new.ownerID, targetType: "opportunity",
                targetID: new.opportunityID.uuidString.lowercased(), context: context,
                details: ["users": .int(users.count), "link": .bool(new.linkTokenHash != nil)])
            return created
        }
    }

    func list(user: UUID, received: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [(ShareRecord, Int64)] {
        let afterMicros = after?.micros
        let afterID = after?.id
        let side = received ? "s.recipient_id" : "s.owner_id"
        // Received: only live shares; sent: everything, with whether it still works.
        let liveOnly = received ? "AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())" : ""
        let rows = try await database.query(
            """
            SELECT s.id, s.opportunity_id, s.token_hash IS NOT NULL AS is_link, s.recipient_email,
                   o.display_name AS shared_by, s.note, s.expires_at, s.created_at,
                   s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now()) AS active,
                   \(unescaped: KeysetSQL.micros("s.created_at")) AS created_micros
            FROM opportunity_shares s JOIN users o ON o.id = s.owner_id
            WHERE \(unescaped: side) = \(user) \(unescaped: liveOnly)
              AND (\(afterMicros)::int8 IS NULL
                   OR (\(unescaped: KeysetSQL.micros("s.created_at")), s.id) < (\(afterMicros)::int8, \(afterID)::uuid))
            ORDER BY s.created_at DESC, s.id DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            let read = RowReader(row)
            let record = ShareRecord(
                id: try read("id"), opportunityID: try read("opportunity_id"), isLink: try read("is_link"),
                recipientEmail: received ? nil : try read("recipient_email"), sharedBy: received ? try read("shared_by") : nil,
                note: try read("note"), expiresAt: try read("expires_at"), createdAt: try read("created_at"),
                active: try read("active"))
            return (record, try read("created_micros", Int64.self))
        }
    }

    func revoke(_ id: UUID, owner: UUID) async throws -> Bool {
        try await !database.query(
            "UPDATE opportunity_shares SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) AND owner_id = \(owner) RETURNING 1"
        ).isEmpty
    }

    func opportunity(forTokenHash tokenHash: String) async throws -> UUID? {
        try await database.query(
            """
            SELECT opportunity_id FROM opportunity_shares
            WHERE token_hash = \(tokenHash) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """
        ).first?.decode(UUID.self)
    }
}
