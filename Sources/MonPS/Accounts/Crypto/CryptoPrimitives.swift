import COpenSSL

/// Errors raised by the low-level primitives.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system CSPRNG (`RAND_bytes`) reported a failure.
    case randomGenerationFailed
    /// An OpenSSL EVP call failed (the name of the failing step, never any key material).
    case openSSLFailure(String)

    public var description: String {
        switch self {
        case .randomGenerationFailed: "the system random number generator failed"
        case .openSSLFailure(let step): "OpenSSL failure in \(step)"
        }
    }
}

/// Hash, MAC, comparison and randomness over OpenSSL libcrypto.
///
/// Named `CryptoPrimitives` rather than `Crypto` so it never shadows swift-crypto's `Crypto`
/// module (a transitive dependency of PostgresNIO) in a file that imports it.
public enum CryptoPrimitives {
    public static let sha256Length = 32

    /// HMAC-SHA256 (RFC 2104) via OpenSSL's one-shot `HMAC()`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outLength: UInt32 = 0
        let ok = withNonNullPointer(key) { keyPointer, keyCount in
            withNonNullPointer(message) { messagePointer, messageCount in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    HMAC(
                        EVP_sha256(), keyPointer, Int32(keyCount), messagePointer, messageCount,
                        outBuffer.baseAddress, &outLength) != nil
                }
            }
        }
        // Only fails on allocation failure or a broken libcrypto; continuing would be unsafe.
        precondition(ok && outLength == UInt32(sha256Length), "HMAC-SHA256 failed in libcrypto")
        return Array(out.prefix(sha256Length))
    }

    /// SHA-256 digest via `EVP_Digest`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { sha256($0) }
    }

    /// SHA-256 of bytes in place (a response body in its buffer).
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sha256Length)
        var outLength: UInt32 = 0
        var placeholder: UInt8 = 0
        let ok = withUnsafeMutablePointer(to: &placeholder) { empty in
            out.withUnsafeMutableBufferPointer { outBuffer in
                EVP_Digest(
                    bytes.baseAddress ?? UnsafeRawPointer(empty), bytes.count, outBuffer.baseAddress, &outLength,
                    EVP_sha256(), nil) == 1
            }
        }
        precondition(ok && outLength == UInt32(sha256Length), "SHA-256 failed in libcrypto")
        return out
    }

    /// SHA-256 of the UTF-8 bytes of `string`.
    public static func sha256(_ string: String) -> [UInt8] {
        sha256(Array(string.utf8))
    }

    /// Constant-time equality (`CRYPTO_memcmp`). A length mismatch returns false, but only after a
    /// full-length comparison, so the time depends on the lengths and never on the contents.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let sameLength = lhs.count == rhs.count
        // On a length mismatch compare lhs with itself: same work, result discarded.
        let other = sameLength ? rhs : lhs
        let difference = withNonNullPointer(lhs) { lhsPointer, count in
            withNonNullPointer(other) { otherPointer, _ in
                CRYPTO_memcmp(lhsPointer, otherPointer, count)
            }
        }
        return sameLength && difference == 0
    }

    /// `count` bytes from the OpenSSL CSPRNG (`RAND_bytes`). Throws rather than returning weak bytes.
    public static func secureRandomBytes(count: Int) throws(CryptoError) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "invalid random byte count")
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(count))
        }
        guard status == 1 else { throw .randomGenerationFailed }
        return bytes
    }

    /// Calls `body` with a pointer that is never NULL (OpenSSL treats a NULL key or message
    /// differently from an empty one) and the element count.
    static func withNonNullPointer<R>(
        _ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R
    ) rethrows -> R {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
        }
        return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
    }
}
