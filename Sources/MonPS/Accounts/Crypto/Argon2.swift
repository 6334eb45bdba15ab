import CArgon2

/// Errors from password hashing. Never holds the password.
public enum PasswordHashError: Error, Equatable, Sendable, CustomStringConvertible {
    /// More than `PasswordHasher.maximumPasswordByteCount` UTF-8 bytes (a DoS guard).
    case passwordTooLong(maximumBytes: Int)
    case invalidParameters(String)
    /// libargon2 returned an error (its message, e.g. a memory allocation failure).
    case hashingFailed(String)
    case randomGenerationFailed

    public var description: String {
        switch self {
        case .passwordTooLong(let maximum): "password longer than \(maximum) bytes"
        case .invalidParameters(let reason): "invalid argon2id parameters: \(reason)"
        case .hashingFailed(let message): "argon2id failed: \(message)"
        case .randomGenerationFailed: "the system random number generator failed"
        }
    }
}

/// argon2id cost parameters. The defaults are OWASP's minimum: m=19456 KiB, t=2, p=1.
public struct PasswordHashParameters: Sendable, Equatable, CustomStringConvertible {
    public let memoryKiB: UInt32
    public let iterations: UInt32
    public let parallelism: UInt32
    public let saltByteCount: Int
    public let hashByteCount: Int

    public static let `default` = PasswordHashParameters(
        uncheckedMemoryKiB: 19456, iterations: 2, parallelism: 1, saltByteCount: 16, hashByteCount: 32)

    public init(
        memoryKiB: UInt32 = 19456, iterations: UInt32 = 2, parallelism: UInt32 = 1,
        saltByteCount: Int = 16, hashByteCount: Int = 32
    ) throws(PasswordHashError) {
        guard (1...255).contains(parallelism) else { throw .invalidParameters("parallelism must be 1...255") }
        guard memoryKiB >= 8 * parallelism, memoryKiB <= 4 * 1024 * 1024 else {
            throw .invalidParameters("memory must be 8×parallelism KiB ... 4 GiB")
        }
        guard (1...1000).contains(iterations) else { throw .invalidParameters("iterations must be 1...1000") }
        guard (16...64).contains(saltByteCount) else { throw .invalidParameters("salt must be 16...64 bytes") }
        guard (16...64).contains(hashByteCount) else { throw .invalidParameters("hash must be 16...64 bytes") }
        self.init(
            uncheckedMemoryKiB: memoryKiB, iterations: iterations, parallelism: parallelism,
            saltByteCount: saltByteCount, hashByteCount: hashByteCount)
    }

    private init(
        uncheckedMemoryKiB memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32,
        saltByteCount: Int, hashByteCount: Int
    ) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
        self.saltByteCount = saltByteCount
        self.hashByteCount = hashByteCount
    }

    public var description: String {
        "argon2id(m=\(memoryKiB) KiB, t=\(iterations), p=\(parallelism), salt=\(saltByteCount) B, hash=\(hashByteCount) B)"
    }
}

/// The parameters read from a PHC string `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`
/// (standard base64 without padding, as libargon2 writes it).
struct Argon2EncodedHash: Equatable {
    var variant: String
    var version: UInt32
    var memoryKiB: UInt32
    var iterations: UInt32
    var parallelism: UInt32
    var saltByteCount: Int
    var hashByteCount: Int

    static let maximumEncodedLength = 512

    init?(_ encoded: String) {
        guard encoded.utf8.count <= Self.maximumEncodedLength else { return nil }
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id" || fields[1] == "argon2i"
            || fields[1] == "argon2d"
        else { return nil }
        variant = String(fields[1])
        guard fields[2].hasPrefix("v="), let version = Self.decimal(fields[2].dropFirst(2)) else { return nil }
        self.version = version
        let costs = fields[3].split(separator: ",", omittingEmptySubsequences: false)
        guard costs.count == 3, costs[0].hasPrefix("m="), costs[1].hasPrefix("t="), costs[2].hasPrefix("p="),
            let m = Self.decimal(costs[0].dropFirst(2)), let t = Self.decimal(costs[1].dropFirst(2)),
            let p = Self.decimal(costs[2].dropFirst(2)),
            let salt = Self.base64Length(fields[4]), let hash = Self.base64Length(fields[5])
        else { return nil }
        (memoryKiB, iterations, parallelism, saltByteCount, hashByteCount) = (m, t, p, salt, hash)
    }

    /// Canonical unsigned decimal (no sign, no leading zero) fitting UInt32.
    private static func decimal(_ text: Substring) -> UInt32? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }),
            text == "0" || text.first != "0"
        else { return nil }
        return UInt32(text)
    }

    /// Decoded length of unpadded standard base64, after checking the alphabet.
    private static func base64Length(_ text: Substring) -> Int? {
        let isBase64 = text.utf8.allSatisfy { char in
            (65...90).contains(char) || (97...122).contains(char) || (48...57).contains(char)
                || char == UInt8(ascii: "+") || char == UInt8(ascii: "/")
        }
        guard !text.isEmpty, isBase64, text.utf8.count % 4 != 1 else { return nil }
        return text.utf8.count * 3 / 4
    }
}

/// Thin, blocking wrappers over libargon2. Callers keep them off event loops.
enum Argon2 {
    static func hashEncoded(
        password: [UInt8], salt: [UInt8], parameters p: PasswordHashParameters
    ) throws(PasswordHashError) -> String {
        let length = argon2_encodedlen(
            p.iterations, p.memoryKiB, p.parallelism, UInt32(salt.count), UInt32(p.hashByteCount), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let status = CryptoPrimitives.withNonNullPointer(password) { pwd, pwdCount in
            salt.withUnsafeBufferPointer { saltBuffer in
                encoded.withUnsafeMutableBufferPointer { out in
                    argon2id_hash_encoded(
                        p.iterations, p.memoryKiB, p.parallelism, pwd, pwdCount, saltBuffer.baseAddress,
                        salt.count, p.hashByteCount, out.baseAddress, length)
                }
            }
        }
        guard status == ARGON2_OK.rawValue else { throw .hashingFailed(message(status)) }
        return String(decoding: encoded.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `argon2id_verify` (libargon2 compares the tags in constant time).
    static func verify(encoded: String, password: [UInt8]) -> Bool {
        let status = CryptoPrimitives.withNonNullPointer(password) { pwd, pwdCount in
            encoded.withCString { argon2id_verify($0, pwd, pwdCount) }
        }
        return status == ARGON2_OK.rawValue
    }

    /// Raw argon2id with optional secret and associated data (for RFC 9106 known-answer tests).
    static func rawArgon2id(
        password: [UInt8], salt: [UInt8], secret: [UInt8] = [], associatedData: [UInt8] = [],
        iterations: UInt32, memoryKiB: UInt32, parallelism: UInt32, hashByteCount: Int
    ) throws(PasswordHashError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: hashByteCount)
        var pwd = password, saltCopy = salt, secretCopy = secret, ad = associatedData
        let status = out.withUnsafeMutableBufferPointer { outBuffer in
            pwd.withUnsafeMutableBufferPointer { pwdBuffer in
                saltCopy.withUnsafeMutableBufferPointer { saltBuffer in
                    secretCopy.withUnsafeMutableBufferPointer { secretBuffer in
                        ad.withUnsafeMutableBufferPointer { adBuffer in
                            var context = argon2_context(
                                out: outBuffer.baseAddress, outlen: UInt32(hashByteCount),
                                pwd: pwdBuffer.baseAddress, pwdlen: UInt32(pwdBuffer.count),
                                salt: saltBuffer.baseAddress, saltlen: UInt32(saltBuffer.count),
                                secret: secretBuffer.baseAddress, secretlen: UInt32(secretBuffer.count),
                                ad: adBuffer.baseAddress, adlen: UInt32(adBuffer.count),
                                t_cost: iterations, m_cost: memoryKiB, lanes: parallelism, threads: parallelism,
                                version: UInt32(ARGON2_VERSION_13.rawValue), allocate_cbk: nil, free_cbk: nil,
                                flags: 0)  // ARGON2_DEFAULT_FLAGS (UINT32_C macro is not imported)
                            return argon2_ctx(&context, Argon2_id)
                        }
                    }
                }
            }
        }
        guard status == ARGON2_OK.rawValue else { throw .hashingFailed(message(status)) }
        return out
    }

    private static func message(_ status: Int32) -> String {
        argon2_error_message(status).map { String(cString: $0) } ?? "error \(status)"
    }
}
