import Foundation
import Synchronization
import Testing

@testable import MonPS

/// The sharing service's own rules over an in-memory repository: what it stores for a request (normalised, distinct
/// addresses; only a hash of the link's token) and what it refuses. The SQL, the account-probing guarantee and the
/// audit entry are tested against PostgreSQL in `SharesTests`.
@Suite("Share service rules")
struct ShareServiceRuleTests {
    /// Keeps what the service asked to store; knows one link.
    final class InMemoryShares: ShareRepository {
        let stored = Mutex<[NewShares]>([])
        let link: (hash: String, opportunity: UUID)?
        let lookedUp = Mutex<[String]>([])

        init(link: (hash: String, opportunity: UUID)? = nil) { self.link = link }

        func create(_ shares: NewShares, context: AuditContext) async throws -> [ShareRecord] {
            stored.withLock { $0.append(shares) }
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            return shares.emails.map {
                ShareRecord(id: UUID(), opportunityID: shares.opportunityID, isLink: false, recipientEmail: $0, createdAt: at, active: true)
            } + (shares.linkTokenHash == nil ? [] : [
                ShareRecord(id: UUID(), opportunityID: shares.opportunityID, isLink: true, createdAt: at, active: true)
            ])
        }

        func list(user: UUID, received: Bool, after: (micros: Int64, id: UUID)?, limit: Int) async throws -> [(ShareRecord, Int64)] {
            []
        }

        func revoke(_ id: UUID, owner: UUID) async throws -> Bool { false }

        func opportunity(forTokenHash tokenHash: String) async throws -> UUID? {
            lookedUp.withLock { $0.append(tokenHash) }
            return tokenHash == link?.hash ? link?.opportunity : nil
        }
    }

    @Test func addressesAreNormalisedAndDistinctAndOnlyTheLinksHashIsStored() async throws {
        let repository = InMemoryShares()
        let service = ShareService(repository: repository, makeLinkToken: { "the-link-token" })
        let opportunity = UUID(), owner = UUID()
        let created = try await service.share(
            opportunity: opportunity, owner: owner, emails: ["Bob@Example.com ", "alice@example.com", "bob@example.com"],
            publicLink: true, expiresInHours: 24, note: "look", context: .none)
        let stored = try #require(repository.stored.withLock { $0.first })
        #expect(stored.emails == ["alice@example.com", "bob@example.com"])
        #expect(stored.linkTokenHash == OpaqueSecret.hash("the-link-token"))
        #expect(stored.linkTokenHash != "the-link-token")
        #expect(stored == NewShares(
            opportunityID: opportunity, ownerID: owner, emails: stored.emails, linkTokenHash: stored.linkTokenHash,
            note: "look", expiresInHours: 24))
        #expect(created.linkToken == "the-link-token")
        #expect(created.shares.map(\.isLink) == [false, false, true])

        _ = try await service.share(
            opportunity: opportunity, owner: owner, emails: ["carol@example.com"], publicLink: false, expiresInHours: nil,
            note: nil, context: .none)
        #expect(repository.stored.withLock { $0.last?.linkTokenHash } == nil)
    }

    @Test func aLinkIsFoundByItsHashAndAnOverlongTokenIsNotLookedUp() async throws {
        let opportunity = UUID()
        let repository = InMemoryShares(link: (OpaqueSecret.hash("secret"), opportunity))
        let service = ShareService(repository: repository)
        #expect(try await service.opportunity(forToken: "secret") == opportunity)
        #expect(try await service.opportunity(forToken: "other") == nil)
        #expect(try await service.opportunity(forToken: String(repeating: "a", count: 129)) == nil)
        #expect(repository.lookedUp.withLock { $0.count } == 2)
    }

    @Test func revokingAShareTheOwnerDoesNotHaveIsNotFound() async throws {
        let service = ShareService(repository: InMemoryShares())
        await #expect(throws: ShareError.shareNotFound) { try await service.revoke(UUID(), owner: UUID()) }
    }
}
