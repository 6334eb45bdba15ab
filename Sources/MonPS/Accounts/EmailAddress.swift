import Foundation

/// An email address as entered (trimmed) and its normalised form (NFKC, lower-cased), which is what
/// uniqueness and sign-in compare. Validation is deliberately pragmatic: one `@`, sane lengths, a dotted
/// domain, no whitespace or control characters; deliverability is not checked.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    public let entered: String
    public let normalized: String

    public static let maximumLength = 254

    public init(_ raw: String) throws(IdentityError) {
        let entered = IdentityText.trimmed(raw)
        let normalized = Self.normalize(entered)
        guard !entered.isEmpty else { throw .validation(field: "email", message: "must not be empty") }
        guard entered.count <= Self.maximumLength, normalized.count <= Self.maximumLength else {
            throw .validation(field: "email", message: "must be at most \(Self.maximumLength) characters")
        }
        guard Self.isPlausible(normalized), Self.isPlausible(entered.lowercased()) else {
            throw .validation(field: "email", message: "is not a valid email address")
        }
        self.entered = entered
        self.normalized = normalized
    }

    /// NFKC, then lower-cased, trimmed. Used for lookups too, so it must never throw.
    public static func normalize(_ raw: String) -> String {
        IdentityText.trimmed(IdentityText.trimmed(raw).precomposedStringWithCompatibilityMapping.lowercased())
    }

    /// The local part of the normalised address (for the "password equals email" check).
    var localPart: String { String(normalized[..<(normalized.lastIndex(of: "@") ?? normalized.endIndex)]) }

    /// Pseudonymous identifier for audit records of failed logins (never the address itself).
    static func auditDigest(_ normalized: String) -> String {
        Hex.encode(Array(CryptoPrimitives.sha256("monps-audit-email:" + normalized).prefix(16)))
    }

    private static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0]
        let domain = parts[1]
        guard (1...64).contains(local.utf8.count), (3...253).contains(domain.utf8.count) else { return false }
        guard !address.unicodeScalars.contains(where: { IdentityText.isControl($0) || $0.properties.isWhitespace })
        else { return false }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-") else {
                return false
            }
            let allowed = label.unicodeScalars.allSatisfy { scalar in
                scalar.value > 0x7F || (scalar.properties.isAlphabetic && scalar.isASCII)
                    || ("0"..."9").contains(scalar) || scalar == "-"
            }
            guard allowed else { return false }
        }
        let forbiddenLocal: Set<Unicode.Scalar> = ["(", ")", "<", ">", "[", "]", ",", ";", ":", "\\", "\"", "@"]
        return !local.unicodeScalars.contains(where: forbiddenLocal.contains)
    }

    public var description: String { entered }
}
