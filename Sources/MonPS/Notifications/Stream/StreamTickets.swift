import Foundation

/// One-time tickets that let a browser open the live stream without putting a long-lived token in a URL
/// (a browser's WebSocket cannot send an `Authorization` header).
///
/// A ticket is 32 random bytes (base64url, `mst_` prefix); Redis keeps only its SHA-256, with the user id, for
/// `lifetime`. `GETDEL` reads and deletes it in one step, so two upgrades racing with one ticket cannot both win.
struct StreamTickets: Sendable {
    static let lifetime: Duration = .seconds(30)
    static let prefix = "mst_"

    let redis: RedisClient
    let now: @Sendable () -> Date

    struct Issued: Sendable {
        let ticket: String
        let expiresAt: Date
    }

    func issue(userID: UUID) async throws -> Issued {
        let ticket = Self.prefix + Base64URL.encode(try CryptoPrimitives.secureRandomBytes(count: 32))
        try await redis.set(Self.key(ticket), value: userID.uuidString, ttl: Self.lifetime)
        return Issued(ticket: ticket, expiresAt: now().addingTimeInterval(Double(Self.lifetime.components.seconds)))
    }

    /// The user the ticket was issued to, once; nil when unknown, expired or already used.
    func redeem(_ ticket: String) async throws -> UUID? {
        // Anything that could not have come from `issue` costs no round trip.
        guard ticket.hasPrefix(Self.prefix), ticket.utf8.count == Self.prefix.utf8.count + 43 else { return nil }
        let reply = try await redis.command([Array("GETDEL".utf8), redis.keyBytes(Self.key(ticket))])
        guard case .bulk(let bytes) = reply else { return nil }
        return UUID(uuidString: String(decoding: bytes, as: UTF8.self))
    }

    static func key(_ ticket: String) -> String {
        "stream:ticket:" + Hex.encode(CryptoPrimitives.sha256(ticket))
    }
}
