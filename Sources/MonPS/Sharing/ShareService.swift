import Foundation

/// Shares of opportunities: with users by email, or as public links whose token is stored only as a hash.
///
/// Whether an address has an account is never revealed to the sharer: every address gets a share (stored under its
/// normalised address), but only one an active account has is delivered; the answer and the list of sent shares look
/// the same either way, so sharing cannot be used to probe for accounts (security finding #5).
/// The contract bounds the request (at most 50 addresses of at most 254 characters, a note of at most 500) and the
/// validation boundary enforces it before this runs. Every share is audited in the transaction that stores it.
struct ShareService: Sendable {
    let repository: any ShareRepository
    /// The public link's secret, an `OpaqueSecret` (injectable so a test can know it).
    var makeLinkToken: @Sendable () throws -> String = { try OpaqueSecret.generate().token }

    /// The longest link token looked up (a longer one cannot be ours).
    static let longestLinkToken = 128

    struct Created: Sendable {
        /// The shares made: one per (normalised) address, then the public link's.
        var shares: [ShareRecord]
        var linkToken: String?
    }

    func share(
        opportunity: UUID, owner: UUID, emails: [String], publicLink: Bool, expiresInHours: Int?, note: String?,
        context: AuditContext
    ) async throws -> Created {
        let token = publicLink ? try makeLinkToken() : nil
        let new = NewShares(
            opportunityID: opportunity, ownerID: owner, emails: Array(Set(emails.map(EmailAddress.normalize))).sorted(),
            linkTokenHash: token.map(OpaqueSecret.hash), note: note, expiresInHours: expiresInHours)
        let shares = try await repository.create(new, context: context)
        return Created(shares: shares, linkToken: token)
    }

    func list(user: UUID, received: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [(ShareRecord, Int64)] {
        try await repository.list(user: user, received: received, after: after, limit: limit)
    }

    /// Revokes the owner's share; another user's share is not found.
    func revoke(_ id: UUID, owner: UUID) async throws {
        guard try await repository.revoke(id, owner: owner) else { throw ShareError.shareNotFound }
    }

    /// The opportunity behind a live public link.
    func opportunity(forToken token: String) async throws -> UUID? {
        guard token.utf8.count <= Self.longestLinkToken else { return nil }
        return try await repository.opportunity(forTokenHash: OpaqueSecret.hash(token))
    }
}

/// What sharing refuses; `ShareError+HTTP` maps both to 404 (another user's share is not found either).
enum ShareError: Error, Equatable {
    case opportunityNotFound(UUID)
    case shareNotFound
}
