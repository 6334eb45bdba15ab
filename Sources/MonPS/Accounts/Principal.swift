import Foundation

/// The authenticated caller of one request, as `IdentityService.authenticate` established it.
/// `role` and `scopes` come from the database at authentication time, never from token claims alone.
public struct Principal: Sendable, Equatable, CustomStringConvertible {
    public enum Credential: Sendable, Equatable {
        /// A short-lived access JWT from login or refresh.
        case accessToken(jti: String)
        /// A personal API token (`mps_…`).
        case apiToken(id: UUID)
    }

    public var userID: UUID
    public var role: Role
    /// Effective scopes: what the credential carries ∩ what `role` allows.
    public var scopes: Set<Scope>
    public var credential: Credential
    /// When the user last signed in with the password (an access token's `auth_time`); nil for API tokens.
    public var authenticatedAt: Date?

    public init(userID: UUID, role: Role, scopes: Set<Scope>, credential: Credential, authenticatedAt: Date? = nil) {
        self.userID = userID
        self.role = role
        self.scopes = scopes.intersection(Scope.allowed(for: role))
        self.credential = credential
        self.authenticatedAt = authenticatedAt
    }

    public func has(_ scope: Scope) -> Bool { scopes.contains(scope) }

    /// Throws `IdentityError.insufficientScope` (403) unless the principal holds `scope`.
    public func require(_ scope: Scope) throws(IdentityError) {
        guard has(scope) else { throw .insufficientScope(scope) }
    }

    /// An administrator acting with the `admin` scope (an admin's API token without it is not).
    public var isAdmin: Bool { role == .admin && scopes.contains(.admin) }

    public var isAPIToken: Bool {
        if case .apiToken = credential { return true }
        return false
    }

    public var description: String {
        let via: String
        switch credential {
        case .accessToken: via = "access-token"
        case .apiToken(let id): via = "api-token \(id.uuidString.lowercased())"
        }
        return "Principal(\(userID.uuidString.lowercased()), \(role.rawValue), \(via), scopes: \(Scope.claim(scopes)))"
    }
}

/// Request facts recorded with security events. Supplied by the HTTP layer (never trusted for decisions).
public struct AuditContext: Sendable, Equatable {
    public var ip: String?
    public var requestID: String?
    public var userAgent: String?

    public init(ip: String? = nil, requestID: String? = nil, userAgent: String? = nil) {
        self.ip = ip
        self.requestID = requestID
        self.userAgent = userAgent
    }

    /// No request (CLI, background jobs, tests).
    public static let none = AuditContext()

    /// Values clipped to the column limits, control characters removed (log-injection safe).
    var sanitized: AuditContext {
        AuditContext(
            ip: ip.map { IdentityText.clip($0, 64) }, requestID: requestID.map { IdentityText.clip($0, 128) },
            userAgent: userAgent.map { IdentityText.clip($0, 512) })
    }
}

/// Small text helpers shared by the identity layer.
enum IdentityText {
    /// Removes control characters and cuts to at most `limit` characters.
    static func clip(_ text: String, _ limit: Int) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isControl($0) }))
        return cleaned.count <= limit ? cleaned : String(cleaned.prefix(limit))
    }

    /// Cc (C0/C1 controls) and the bidirectional overrides/isolates used for visual spoofing.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.generalCategory == .control { return true }
        switch scalar.value {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A user-chosen label (display name, token name): trimmed, 1…`maximum` characters, no controls.
    static func label(_ raw: String, field: String, maximum: Int) throws(IdentityError) -> String {
        let value = trimmed(raw)
        guard !value.isEmpty else { throw .validation(field: field, message: "must not be empty") }
        guard value.count <= maximum else {
            throw .validation(field: field, message: "must be at most \(maximum) characters")
        }
        guard !value.unicodeScalars.contains(where: isControl) else {
            throw .validation(field: field, message: "must not contain control or bidirectional-override characters")
        }
        return value
    }
}
