/// Why a set of JWT secrets was refused (for the config layer to report). Never holds a secret.
public enum JWTKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSecrets
    case emptySecret(index: Int)
    case secretTooShort(index: Int, byteCount: Int)
    case duplicateSecret(index: Int)

    public var description: String {
        let minimum = JWTKeySet.minimumSecretByteCount
        return switch self {
        case .noSecrets: "MONPS_JWT_SECRETS holds no secret"
        case .emptySecret(let index): "MONPS_JWT_SECRETS entry #\(index + 1) is empty"
        case .secretTooShort(let index, let count):
            "MONPS_JWT_SECRETS entry #\(index + 1) is \(count) bytes; at least \(minimum) are required"
        case .duplicateSecret(let index): "MONPS_JWT_SECRETS entry #\(index + 1) repeats an earlier secret"
        }
    }
}

/// HS256 JWT signing and verification with rotation: the first secret signs, every secret verifies.
/// Each key's `kid` is derived from its secret, so rotation needs no kid configuration.
public struct JWTKeySet: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let minimumSecretByteCount = 32
    /// Longer tokens are refused before any decoding.
    public static let maximumTokenLength = 8192

    struct Key: Sendable {
        let kid: String
        let secret: [UInt8]
    }

    /// keys[0] signs.
    private let keys: [Key]

    /// - Parameter secrets: the secrets in order; the first one signs. Each must be ≥ 32 bytes of UTF-8.
    public init(secrets: [String]) throws(JWTKeyError) {
        guard !secrets.isEmpty else { throw .noSecrets }
        var keys: [Key] = []
        for (index, secret) in secrets.enumerated() {
            let bytes = Array(secret.utf8)
            guard !bytes.isEmpty else { throw .emptySecret(index: index) }
            guard bytes.count >= Self.minimumSecretByteCount else {
                throw .secretTooShort(index: index, byteCount: bytes.count)
            }
            guard !keys.contains(where: { $0.secret == bytes }) else { throw .duplicateSecret(index: index) }
            keys.append(Key(kid: Self.keyID(forSecret: secret), secret: bytes))
        }
        self.keys = keys
    }

    /// Parses the `MONPS_JWT_SECRETS` value: comma-separated, surrounding ASCII whitespace trimmed.
    public init(commaSeparated value: String) throws(JWTKeyError) {
        let entries = value.split(separator: ",", omittingEmptySubsequences: false).map { entry in
            String(entry.drop(while: \.isASCIIWhitespace).reversed().drop(while: \.isASCIIWhitespace).reversed())
        }
        if entries.count == 1, entries[0].isEmpty { throw .noSecrets }
        try self.init(secrets: entries)
    }

    /// First 8 bytes of SHA-256("monps-kid:" + secret), as 16 lowercase hex characters.
    public static func keyID(forSecret secret: String) -> String {
        Hex.encode(Array(CryptoPrimitives.sha256("monps-kid:" + secret).prefix(8)))
    }

    public var signingKeyID: String { keys[0].kid }
    public var keyIDs: [String] { keys.map(\.kid) }

    public var description: String { "JWTKeySet(kids: \(keyIDs), signing: \(signingKeyID), secrets: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["keyIDs": keyIDs], displayStyle: .struct) }

    /// Signs with the first secret. Header: exactly `{"alg":"HS256","typ":"JWT","kid":…}`.
    public func sign(_ claims: JWTClaims) -> String {
        let key = keys[0]
        let header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":" + StrictJSON.quote(key.kid) + "}"
        let signingInput =
            Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.jsonPayload().utf8))
        let mac = CryptoPrimitives.hmacSHA256(key: key.secret, message: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(mac)
    }

    /// Verifies signature, header and claims.
    ///
    /// Order: shape and header (`alg` exactly HS256, `typ` exactly JWT, only alg/typ/kid, no
    /// duplicates) → key by `kid` → signature (segment must be the canonical encoding of the MAC, and
    /// the MACs must match in constant time) → payload → claim types → iss → aud → exp/nbf/iat.
    /// - Parameters:
    ///   - now: current time, epoch seconds.
    ///   - leeway: clock skew tolerated, seconds (negative → 0): valid while `now < exp + leeway`,
    ///     `now >= nbf - leeway` and `iat <= now + leeway`.
    public func verify(
        _ token: String, now: Int64, expectedIssuer: String, expectedAudience: String, leeway: Int64 = 0
    ) throws(JWTError) -> JWTClaims {
        let claims = try verifySignature(token, expectedIssuer: expectedIssuer, expectedAudience: expectedAudience)
        try Self.checkTimes(of: claims, now: now, leeway: leeway)
        return claims
    }

    /// Everything `verify` checks that does not depend on the time: shape, header, key, signature, claim
    /// types, issuer and audience. Its result holds for the token's whole life, so it may be remembered.
    public func verifySignature(
        _ token: String, expectedIssuer: String, expectedAudience: String
    ) throws(JWTError) -> JWTClaims {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maximumTokenLength else { throw .malformed }
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw .malformed }

        let header = try Self.decodeObject(segments[0])
        guard header["alg"] == .string("HS256"), header["typ"] == .string("JWT") else {
            throw .unsupportedAlgorithm
        }
        guard header.count == 3, let kid = header["kid"]?.string else { throw .malformed }
        guard let key = keys.first(where: { $0.kid == kid }) else { throw .unknownKeyID }

        let signingInput = Array(bytes[..<segments[1].endIndex])
        let mac = CryptoPrimitives.hmacSHA256(key: key.secret, message: signingInput)
        let signatureSegment = Array(segments[2])
        let canonical = Array(Base64URL.encode(mac).utf8)
        // Strict decoding already refuses non-zero spare bits; both comparisons run regardless.
        let presented = (try? Base64URL.decode(utf8: signatureSegment)) ?? []
        let canonicalMatches = CryptoPrimitives.constantTimeEquals(signatureSegment, canonical)
        let macMatches = CryptoPrimitives.constantTimeEquals(presented, mac)
        guard canonicalMatches && macMatches else { throw .badSignature }

        let claims = try JWTClaims(payload: try Self.decodeObject(segments[1]))
        guard claims.issuer == expectedIssuer else { throw .wrongIssuer }
        guard claims.audience == expectedAudience else { throw .wrongAudience }
        return claims
    }

    /// The time window of verified claims at `now` (epoch seconds), with `leeway` seconds of skew (negative → 0).
    public static func checkTimes(of claims: JWTClaims, now: Int64, leeway: Int64 = 0) throws(JWTError) {
        let leeway = max(0, leeway)  // a negative configured leeway is treated as none
        guard now < claims.expiresAt.addingSaturating(leeway) else { throw .expired }
        guard now >= claims.notBefore.addingSaturating(-leeway),
            claims.issuedAt <= now.addingSaturating(leeway)
        else { throw .notYetValid }
    }

    private static func decodeObject(_ segment: ArraySlice<UInt8>) throws(JWTError) -> [String: StrictJSON.Value] {
        guard let json = try? Base64URL.decode(utf8: Array(segment)),
            let object = try? StrictJSON.parseObject(json)
        else { throw .malformed }
        return object
    }
}

extension JWTKeySet.Key: CustomStringConvertible, CustomReflectable {
    var description: String { "JWTKey(kid: \(kid), secret: <redacted>)" }
    var customMirror: Mirror { Mirror(self, children: ["kid": kid], displayStyle: .struct) }
}

extension Character {
    fileprivate var isASCIIWhitespace: Bool { self == " " || self == "\t" || self == "\n" || self == "\r" || self == "\r\n" }
}
