import Foundation

/// The signed token of a notification mail's unsubscribe link: `<user id>.<base64url HMAC-SHA256>`.
///
/// Signed rather than stored, so every mail can carry one without a table; the key is derived from the JWT
/// secrets (each of them verifies, so links survive a rotation while the old secret is still listed).
struct UnsubscribeLink: Sendable {
    private let keys: [[UInt8]]

    init(jwtSecrets: [String]) {
        keys = jwtSecrets.map { CryptoPrimitives.sha256("monps-unsubscribe:" + $0) }
    }

    func token(for userID: UUID) -> String {
        let id = userID.uuidString.lowercased()
        return id + "." + Base64URL.encode(Self.signature(id, key: keys.first ?? []))
    }

    /// The user a token names, or nil when it is malformed or not signed by one of the keys.
    func userID(from token: String) -> UUID? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let userID = UUID(uuidString: String(parts[0])),
              let given = try? Base64URL.decode(String(parts[1])) else { return nil }
        let id = userID.uuidString.lowercased()
        guard String(parts[0]) == id else { return nil }
        return keys.contains { CryptoPrimitives.constantTimeEquals(Self.signature(id, key: $0), given) } ? userID : nil
    }

    /// `<public URL>/v1/notifications/unsubscribe?token=…`, for the `List-Unsubscribe` header.
    func url(publicURL: String, userID: UUID) -> String {
        "\(publicURL)/v1/notifications/unsubscribe?token=\(token(for: userID))"
    }

    private static func signature(_ id: String, key: [UInt8]) -> [UInt8] {
        CryptoPrimitives.hmacSHA256(key: key, message: Array("unsubscribe:\(id)".utf8))
    }
}
