import Foundation
import PostgresNIO

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

/// Shares of opportunities: with users by email, or as public links whose token is stored only as a hash.
///
/// Whether an address has an account is never revealed to the sharer: every address gets a share (stored under its
/// normalised address), but only one an active account has is delivered; the answer and the list of sent shares look
/// the same either way, so sharing cannot be used to probe for accounts (security finding #5).
/// The contract bounds the request (at most 50 addresses of at most 254 characters, a note of at most 500) and the
/// validation boundary enforces it before this runs. Expiry is on the database's clock (set and checked with `now()`),
/// the one clock every instance shares.
struct ShareService: Sendable {
    let database: Database

    struct Created: Sendable {
        /// The shares made: one per (normalised) address, and the public link's.
        var shares: [ShareRecord]
        var linkToken: String?
    }

    func share(
        opportunity: UUID, owner: UUID, emails: [String], publicLink: Bool, expiresInHours: Int?, note: String?
    ) async throws -> Created {
        guard try await database.query("SELECT 1 FROM opportunities WHERE id = \(opportunity)").first != nil else {
            throw ShareError.opportunityNotFound(opportunity)
        }
        let normalized = Array(Set(emails.map(EmailAddress.normalize))).sorted()
        return try await database.transaction { connection in
            var created = Created(shares: [], linkToken: nil)
            // Every address gets its share; only one an active account (not the sharer's) has is delivered. The
            // rows, and so the answer and the list of sent shares, are the same whether or not an account has it.
            let rows = try await connection.query(
                """
                INSERT INTO opportunity_shares (opportunity_id, owner_id, recipient_email, recipient_id, note, expires_at)
                SELECT \(opportunity), \(owner), address.email, u.id, \(note), now() + make_interval(hours => \(expiresInHours)::int)
                FROM unnest(\(normalized)::text[]) AS address(email)
                LEFT JOIN users u ON u.email_normalized = address.email AND u.status = 'active' AND u.id <> \(owner)
                ON CONFLICT (opportunity_id, owner_id, recipient_email) WHERE recipient_email IS NOT NULL AND revoked_at IS NULL
                DO UPDATE SET note = excluded.note, expires_at = excluded.expires_at, recipient_id = excluded.recipient_id
                RETURNING id, recipient_email, expires_at, created_at
                """)
            for row in rows {
                let read = RowReader(row)
                let (id, email, expires, at) = (
                    try read("id", UUID.self), try read("recipient_email", String.self), try read("expires_at", Date?.self),
                    try read("created_at", Date.self))
                created.shares.append(ShareRecord(
                    id: id, opportunityID: opportunity, isLink: false, recipientEmail: email, note: note, expiresAt: expires,
                    createdAt: at, active: true))
            }
            created.shares.sort { ($0.recipientEmail ?? "") < ($1.recipientEmail ?? "") }
            if publicLink {
                let token = Base64URL.encode(try CryptoPrimitives.secureRandomBytes(count: 32))
                let hash = Hex.encode(CryptoPrimitives.sha256(token))
                let rows = try await connection.query(
                    """
                    INSERT INTO opportunity_shares (opportunity_id, owner_id, token_hash, note, expires_at)
                    VALUES (\(opportunity), \(owner), \(hash), \(note), now() + make_interval(hours => \(expiresInHours)::int))
                    RETURNING id, expires_at, created_at
                    """)
                guard let row = rows.first else { throw IngestionStorageError.noRowReturned }
                let read = RowReader(row)
                let (id, expires, at) = (try read("id", UUID.self), try read("expires_at", Date?.self), try read("created_at", Date.self))
                created.shares.append(ShareRecord(
                    id: id, opportunityID: opportunity, isLink: true, note: note, expiresAt: expires, createdAt: at, active: true))
                created.linkToken = token
            }
            return created
        }
    }

    /// Shares received (`received`) or sent, newest first, after the keyset `(created_at µs, id)`.
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
                   \(unescaped: BettingSQL.micros("s.created_at")) AS created_micros
            FROM opportunity_shares s JOIN users o ON o.id = s.owner_id
            WHERE \(unescaped: side) = \(user) \(unescaped: liveOnly)
              AND (\(afterMicros)::int8 IS NULL
                   OR (\(unescaped: BettingSQL.micros("s.created_at")), s.id) < (\(afterMicros)::int8, \(afterID)::uuid))
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

    /// Revokes the owner's share; another user's share is not found.
    func revoke(_ id: UUID, owner: UUID) async throws {
        let rows = try await database.query(
            "UPDATE opportunity_shares SET revoked_at = coalesce(revoked_at, now()) WHERE id = \(id) AND owner_id = \(owner) RETURNING 1")
        guard !rows.isEmpty else { throw ShareError.shareNotFound }
    }

    /// The opportunity behind a live public link.
    func opportunity(forToken token: String) async throws -> UUID? {
        guard token.utf8.count <= 128 else { return nil }
        let hash = Hex.encode(CryptoPrimitives.sha256(token))
        return try await database.query(
            """
            SELECT opportunity_id FROM opportunity_shares
            WHERE token_hash = \(hash) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """
        ).first?.decode(UUID.self)
    }
}

/// What sharing refuses; `ShareError+HTTP` maps both to 404 (another user's share is not found either).
enum ShareError: Error, Equatable {
    case opportunityNotFound(UUID)
    case shareNotFound
}
