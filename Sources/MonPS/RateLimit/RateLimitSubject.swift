// Who a request is counted against.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The principal a request is counted against: a kind (selects the policy) and an id (selects the bucket).
///
/// Build it with `.anonymous(ip:)`, `.user(id:role:)` or `.apiToken(id:)`. Ids that are long or contain
/// characters outside `A-Z a-z 0-9 . _ : -` are replaced by a SHA-256 digest in `bucketKey`, so raw
/// credentials or addresses never need to be sanitised by the caller (but never pass a secret anyway:
/// pass the token's id, not the token).
public struct RateLimitSubject: Sendable, Hashable, CustomStringConvertible {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case viewer, user, admin

        var kind: RateLimitPrincipalKind {
            switch self {
            case .viewer: .viewer
            case .user: .user
            case .admin: .admin
            }
        }
    }

    public let kind: RateLimitPrincipalKind
    public let id: String

    public init(kind: RateLimitPrincipalKind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// An unauthenticated client, keyed by its address. IPv6 addresses are grouped by their /64 (one
    /// subscriber usually holds a whole /64); IPv4-mapped IPv6 addresses count as the IPv4 address.
    /// A missing address shares the bucket "unknown".
    public static func anonymous(ip: String?) -> RateLimitSubject {
        RateLimitSubject(kind: .anonymous, id: clientBucket(ip))
    }

    public static func user(id: String, role: Role) -> RateLimitSubject {
        RateLimitSubject(kind: role.kind, id: id)
    }

    public static func apiToken(id: String) -> RateLimitSubject {
        RateLimitSubject(kind: .apiToken, id: id)
    }

    /// `<kind>:<id>` with the id made key-safe.
    public var bucketKey: String { "\(kind.rawValue):\(Self.keySafe(id))" }

    public var description: String { bucketKey }

    static func keySafe(_ id: String) -> String {
        let safe =
            !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                    UInt8(ascii: "-"):
                    return true
                default:
                    return false
                }
            }
        return safe ? id : "h" + Hex.encode(Array(CryptoPrimitives.sha256(id).prefix(16)))
    }

    static func clientBucket(_ ip: String?) -> String {
        guard let ip, !ip.isEmpty else { return "unknown" }
        guard ip.contains(":") else { return ip }
        var address = in6_addr()
        guard inet_pton(AF_INET6, ip, &address) == 1 else { return ip }
        let bytes = withUnsafeBytes(of: &address) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        return Hex.encode(Array(bytes[0..<8])) + "/64"
    }
}
