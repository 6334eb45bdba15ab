/// Why a JWT was refused. Messages never echo token contents or key material.
public enum JWTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not three base64url segments of JSON objects, bad header shape, duplicate keys, too long…
    case malformed
    /// `alg` is not exactly `HS256`, or `typ` is not exactly `JWT`.
    case unsupportedAlgorithm
    /// The `kid` names no configured key.
    case unknownKeyID
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    case missingClaim(String)
    /// A claim is present with the wrong JSON type (e.g. `exp` as a string or `1.5`).
    case invalidClaim(String)

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .unsupportedAlgorithm: "unsupported token algorithm or type"
        case .unknownKeyID: "unknown key id"
        case .badSignature: "bad signature"
        case .expired: "token expired"
        case .notYetValid: "token not yet valid"
        case .wrongIssuer: "wrong issuer"
        case .wrongAudience: "wrong audience"
        case .missingClaim(let name): "missing claim \(name)"
        case .invalidClaim(let name): "invalid claim \(name)"
        }
    }
}

/// The claims MonPS issues and accepts (all required except `scope`).
public struct JWTClaims: Sendable, Equatable, CustomStringConvertible {
    public var subject: String  // sub
    public var role: String
    public var issuedAt: Int64  // iat, epoch seconds
    public var notBefore: Int64  // nbf
    public var expiresAt: Int64  // exp
    public var issuer: String  // iss
    public var audience: String  // aud
    public var tokenID: String  // jti
    /// Space-separated scopes (RFC 8693 style), reserved for future use.
    public var scope: String?
    /// When the user last proved who they are with the password (OpenID Connect's `auth_time`): the login that
    /// started the session, kept through refreshes. Optional: older tokens lack it (and count as not recent).
    public var authTime: Int64?

    public init(
        subject: String, role: String, issuedAt: Int64, notBefore: Int64, expiresAt: Int64,
        issuer: String, audience: String, tokenID: String, scope: String? = nil, authTime: Int64? = nil
    ) {
        self.subject = subject
        self.role = role
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.issuer = issuer
        self.audience = audience
        self.tokenID = tokenID
        self.scope = scope
        self.authTime = authTime
    }

    /// Claims valid from `now` for `lifetime` seconds, with a random 128-bit `jti`.
    public static func issue(
        subject: String, role: String, issuer: String, audience: String,
        now: Int64, lifetime: Int64, scope: String? = nil, authTime: Int64? = nil
    ) throws(CryptoError) -> JWTClaims {
        precondition(lifetime > 0, "token lifetime must be positive")
        let jti = Base64URL.encode(try CryptoPrimitives.secureRandomBytes(count: 16))
        return JWTClaims(
            subject: subject, role: role, issuedAt: now, notBefore: now,
            expiresAt: now.addingSaturating(lifetime), issuer: issuer, audience: audience,
            tokenID: jti, scope: scope, authTime: authTime)
    }

    /// The scopes as a set (empty when `scope` is absent).
    public var scopes: Set<Substring> {
        Set((scope ?? "").split(separator: " "))
    }

    public var description: String {
        "JWTClaims(sub: \(subject), role: \(role), iat: \(issuedAt), nbf: \(notBefore), exp: \(expiresAt), "
            + "iss: \(issuer), aud: \(audience), jti: \(tokenID), scope: \(scope ?? "-"))"
    }

    /// Compact JSON with a fixed member order.
    func jsonPayload() -> String {
        var members = [
            "\"iss\":" + StrictJSON.quote(issuer),
            "\"sub\":" + StrictJSON.quote(subject),
            "\"aud\":" + StrictJSON.quote(audience),
            "\"iat\":\(issuedAt)",
            "\"nbf\":\(notBefore)",
            "\"exp\":\(expiresAt)",
            "\"jti\":" + StrictJSON.quote(tokenID),
            "\"role\":" + StrictJSON.quote(role),
        ]
        if let scope { members.append("\"scope\":" + StrictJSON.quote(scope)) }
        if let authTime { members.append("\"auth_time\":\(authTime)") }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Reads the claims from a parsed payload object. Unknown claims are ignored; known ones must
    /// have the right type: strings, or JSON integer literals for the times.
    init(payload: [String: StrictJSON.Value]) throws(JWTError) {
        func string(_ name: String) throws(JWTError) -> String {
            guard let value = payload[name] else { throw .missingClaim(name) }
            guard let string = value.string else { throw .invalidClaim(name) }
            return string
        }
        func integer(_ name: String) throws(JWTError) -> Int64 {
            guard let value = payload[name] else { throw .missingClaim(name) }
            guard let integer = value.int64 else { throw .invalidClaim(name) }
            return integer
        }
        self.subject = try string("sub")
        self.role = try string("role")
        self.issuedAt = try integer("iat")
        self.notBefore = try integer("nbf")
        self.expiresAt = try integer("exp")
        self.issuer = try string("iss")
        self.audience = try string("aud")
        self.tokenID = try string("jti")
        self.scope = try payload["scope"] != nil ? string("scope") : nil
        self.authTime = try payload["auth_time"] != nil ? integer("auth_time") : nil
    }
}

extension Int64 {
    func addingSaturating(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }
}
