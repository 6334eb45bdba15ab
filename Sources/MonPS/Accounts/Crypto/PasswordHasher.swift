import NIOPosix
import Synchronization

/// argon2id password hashing (PHC strings) via libargon2.
///
/// A hash or verify costs ~35 ms of CPU at the default parameters: use the `async` methods, which
/// run on `NIOThreadPool.singleton`, never on an event loop or the cooperative pool. The
/// `…Blocking` methods are for code already on a blocking thread (and for tests).
public final class PasswordHasher: Sendable {
    /// Longer passwords are refused before hashing (argon2 pre-hashes them anyway; this is a DoS guard).
    public static let maximumPasswordByteCount = 1024

    public let parameters: PasswordHashParameters
    /// Encoded hash of a random password with `parameters`, made once on first use by `dummyVerify`.
    private let dummyEncoded = Mutex<String?>(nil)

    public init(parameters: PasswordHashParameters = .default) {
        self.parameters = parameters
    }

    // MARK: async API (thread pool)

    /// Hashes `password` (UTF-8 bytes, no normalisation) with a fresh random salt.
    /// Throws `PasswordHashError`, or the thread pool's error if it is not running.
    public func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try self.hashBlocking(password) }
    }

    /// True only if `encoded` is a well-formed argon2id hash of `password`; false on any error.
    public func verify(password: String, encoded: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive {
            self.verifyBlocking(password: password, encoded: encoded)
        }) ?? false
    }

    /// Costs what a `verify` costs, and always fails: call it when the account does not exist so
    /// that "unknown email" and "wrong password" take the same time.
    public func dummyVerify(password: String) async {
        _ = try? await NIOThreadPool.singleton.runIfActive { self.dummyVerifyBlocking(password: password) }
    }

    /// Computes the dummy hash now (e.g. at startup) so the first `dummyVerify` costs no extra hash.
    public func prepareDummyHash() async {
        _ = try? await NIOThreadPool.singleton.runIfActive { self.dummyHash() }
    }

    // MARK: blocking API

    public func hashBlocking(_ password: String) throws(PasswordHashError) -> String {
        let bytes = Array(password.utf8)
        guard bytes.count <= Self.maximumPasswordByteCount else {
            throw .passwordTooLong(maximumBytes: Self.maximumPasswordByteCount)
        }
        let salt: [UInt8]
        do {
            salt = try CryptoPrimitives.secureRandomBytes(count: parameters.saltByteCount)
        } catch {
            throw .randomGenerationFailed
        }
        return try Argon2.hashEncoded(password: bytes, salt: salt, parameters: parameters)
    }

    /// False for a wrong password, an over-long password, or an encoded string that is malformed,
    /// not argon2id v=19, or whose costs exceed `verificationLimits` (a tampered row must not be
    /// able to make the server allocate gigabytes or spin for minutes).
    public func verifyBlocking(password: String, encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        guard bytes.count <= Self.maximumPasswordByteCount, !encoded.utf8.contains(0),
            let parsed = Argon2EncodedHash(encoded), parsed.variant == "argon2id", parsed.version == 19,
            withinVerificationLimits(parsed)
        else { return false }
        return Argon2.verify(encoded: encoded, password: bytes)
    }

    /// True when `encoded` should be replaced by a fresh hash at the next successful login: it is
    /// not argon2id v=19, cannot be parsed, or any cost, salt or hash length is below `parameters`.
    public func needsRehash(encoded: String) -> Bool {
        guard let parsed = Argon2EncodedHash(encoded), parsed.variant == "argon2id", parsed.version == 19 else {
            return true
        }
        return parsed.memoryKiB < parameters.memoryKiB || parsed.iterations < parameters.iterations
            || parsed.parallelism < parameters.parallelism || parsed.saltByteCount < parameters.saltByteCount
            || parsed.hashByteCount < parameters.hashByteCount
    }

    /// Largest costs `verify` will run: 4× the configured ones, and at least 256 MiB / t=16 / p=8.
    public var verificationLimits: (memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        (
            max(parameters.memoryKiB * 4, 262_144),
            max(parameters.iterations * 4, 16), max(parameters.parallelism * 4, 8)
        )
    }

    private func withinVerificationLimits(_ parsed: Argon2EncodedHash) -> Bool {
        let limits = verificationLimits
        return parsed.memoryKiB <= limits.memoryKiB && parsed.iterations <= limits.iterations
            && parsed.parallelism <= limits.parallelism && parsed.hashByteCount <= 64
            && parsed.saltByteCount <= 64
    }

    func dummyVerifyBlocking(password: String) -> Bool {
        guard let encoded = dummyHash() else { return false }
        _ = verifyBlocking(password: password, encoded: encoded)
        return false
    }

    private func dummyHash() -> String? {
        dummyEncoded.withLock { cached -> String? in
            if let cached { return cached }
            guard let random = try? CryptoPrimitives.secureRandomBytes(count: 32),
                let encoded = try? hashBlocking(Base64URL.encode(random))
            else { return nil }
            cached = encoded
            return encoded
        }
    }
}
