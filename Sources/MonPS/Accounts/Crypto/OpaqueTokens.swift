/// A personal API token: `mps_<43 base62 chars: 32 random bytes>_<6 base62 chars: CRC32>`.
///
/// The CRC32 (of the 43-character random part, as ASCII) lets the server and secret scanners reject
/// typos and non-tokens without a database lookup; it is not a security check. Store only `hash`.
public struct APITokenSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public static let prefix = "mps_"
    public static let randomByteCount = 32
    public static let randomPartLength = 43  // Base62.width(forByteCount: 32)
    public static let checksumLength = 6  // Base62.width(forByteCount: 4)
    /// 4 + 43 + 1 + 6 = 54.
    public static let length = prefix.utf8.count + randomPartLength + 1 + checksumLength

    /// The full token: show it to the user once, never log it.
    public let token: String

    private init(token: String) { self.token = token }

    public static func generate() throws(CryptoError) -> APITokenSecret {
        let random = try CryptoPrimitives.secureRandomBytes(count: randomByteCount)
        let randomPart = Base62.encode(random, width: randomPartLength)
        return APITokenSecret(token: prefix + randomPart + "_" + checksum(of: randomPart))
    }

    /// Validates prefix, total length, separator, alphabet, that the random part encodes at most
    /// 256 bits, and the checksum. Nil for anything that could not have come from `generate()`.
    public static func parse(_ string: String) -> APITokenSecret? {
        let utf8 = Array(string.utf8)
        guard utf8.count == length, utf8.starts(with: prefix.utf8) else { return nil }
        let randomStart = prefix.utf8.count
        let separatorIndex = randomStart + randomPartLength
        guard utf8[separatorIndex] == UInt8(ascii: "_") else { return nil }
        let randomPart = String(decoding: utf8[randomStart..<separatorIndex], as: UTF8.self)
        let checksumPart = String(decoding: utf8[(separatorIndex + 1)...], as: UTF8.self)
        guard Base62.decode(randomPart[...].utf8, byteCount: randomByteCount) != nil,
            Base62.decode(checksumPart[...].utf8, byteCount: 4) != nil,
            checksumPart == checksum(of: randomPart)
        else { return nil }
        return APITokenSecret(token: string)
    }

    static func checksum(of randomPart: String) -> String {
        Base62.encode(CRC32.checksum(randomPart.utf8), width: checksumLength)
    }

    /// SHA-256 hex of the full token string: the value to store and look up.
    public var hash: String { Self.hash(token) }

    public static func hash(_ token: String) -> String { Hex.encode(CryptoPrimitives.sha256(token)) }

    /// The first 12 characters (`mps_` + 8), safe to store and show to identify the token.
    public var displayPrefix: String { String(token.prefix(12)) }

    public var description: String { "APITokenSecret(\(displayPrefix)…)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["displayPrefix": displayPrefix]) }
}

/// An opaque secret: 32 random bytes as base64url (43 characters, safe in a URL and its fragment). Refresh tokens
/// and mailed account tokens (password reset, email verification). Store only `hash`.
public struct OpaqueSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public static let byteCount = 32
    public static let length = 43

    /// The token to hand to the client once; never log it.
    public let token: String

    private init(token: String) { self.token = token }

    public static func generate() throws(CryptoError) -> OpaqueSecret {
        OpaqueSecret(token: Base64URL.encode(try CryptoPrimitives.secureRandomBytes(count: byteCount)))
    }

    /// Nil unless `string` is exactly the canonical base64url of 32 bytes (reject junk before any lookup).
    public static func parse(_ string: String) -> OpaqueSecret? {
        guard string.utf8.count == length, let bytes = try? Base64URL.decode(string), bytes.count == byteCount
        else { return nil }
        return OpaqueSecret(token: string)
    }

    /// SHA-256 hex of the token string: the value to store and look up.
    public var hash: String { Self.hash(token) }

    public static func hash(_ token: String) -> String { Hex.encode(CryptoPrimitives.sha256(token)) }

    public var description: String { "OpaqueSecret(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
