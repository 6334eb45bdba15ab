import COpenSSL

public enum DataCipherError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `MONPS_DATA_KEY` is not 64 hex characters (32 bytes), or is all zeros.
    case invalidKey
    /// Not `v1:` + strict base64url of at least nonce + tag.
    case malformedCiphertext
    /// The GCM tag did not verify: tampered data, wrong key or wrong associated data.
    case authenticationFailed
    case plaintextNotUTF8
    case tooLarge
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .invalidKey: "MONPS_DATA_KEY must be 64 hex characters (32 bytes) and not all zeros"
        case .malformedCiphertext: "malformed encrypted value"
        case .authenticationFailed: "encrypted value failed authentication (tampered, or wrong key)"
        case .plaintextNotUTF8: "decrypted value is not UTF-8"
        case .tooLarge: "value larger than \(DataCipher.maximumPlaintextByteCount) bytes"
        case .cryptoFailure(let step): "OpenSSL failure in \(step)"
        }
    }
}

/// AES-256-GCM for secrets at rest (e.g. a user's third-party API key).
///
/// Output: `v1:` + base64url(nonce[12] ‖ ciphertext ‖ tag[16]), a fresh random nonce per call.
/// Pass `associatedData` (e.g. "user:42:bookmaker_key") to bind a value to its row and column, so
/// a ciphertext copied to another row fails to decrypt. Random 96-bit nonces: rotate the key well
/// before 2^32 encryptions.
public struct DataCipher: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let versionPrefix = "v1:"
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16
    public static let maximumPlaintextByteCount = 1 << 20

    private let key: [UInt8]

    /// - Parameter hexKey: the `MONPS_DATA_KEY` value, 64 hex characters.
    public init(hexKey: String) throws(DataCipherError) {
        guard let key = try? Hex.decode(hexKey) else { throw .invalidKey }
        try self.init(key: key)
    }

    public init(key: [UInt8]) throws(DataCipherError) {
        guard key.count == Self.keyByteCount, key.contains(where: { $0 != 0 }) else { throw .invalidKey }
        self.key = key
    }

    public var description: String { "DataCipher(AES-256-GCM, key: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    public func encrypt(_ plaintext: String, associatedData: String = "") throws(DataCipherError) -> String {
        let input = Array(plaintext.utf8)
        guard input.count <= Self.maximumPlaintextByteCount else { throw .tooLarge }
        guard let nonce = try? CryptoPrimitives.secureRandomBytes(count: Self.nonceByteCount) else {
            throw .cryptoFailure("RAND_bytes")
        }
        let sealed = try seal(input, nonce: nonce, associatedData: Array(associatedData.utf8))
        return Self.versionPrefix + Base64URL.encode(nonce + sealed)
    }

    public func decrypt(_ value: String, associatedData: String = "") throws(DataCipherError) -> String {
        let utf8 = Array(value.utf8)
        let prefix = Array(Self.versionPrefix.utf8)
        guard utf8.starts(with: prefix),
            utf8.count <= (Self.maximumPlaintextByteCount + 64) * 4 / 3 + 8,
            let blob = try? Base64URL.decode(utf8: Array(utf8.dropFirst(prefix.count))),
            blob.count >= Self.nonceByteCount + Self.tagByteCount
        else { throw .malformedCiphertext }
        let nonce = Array(blob.prefix(Self.nonceByteCount))
        let body = Array(blob.dropFirst(Self.nonceByteCount))
        let plaintext = try open(body, nonce: nonce, associatedData: Array(associatedData.utf8))
        guard let string = String(validating: plaintext, as: UTF8.self) else { throw .plaintextNotUTF8 }
        return string
    }

    /// Returns ciphertext ‖ tag.
    func seal(_ plaintext: [UInt8], nonce: [UInt8], associatedData: [UInt8]) throws(DataCipherError) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { throw .cryptoFailure("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: plaintext.count + Self.tagByteCount)
        var length: Int32 = 0
        var finalLength: Int32 = 0
        let ok = CryptoPrimitives.withNonNullPointer(plaintext) { input, inputCount in
            CryptoPrimitives.withNonNullPointer(associatedData) { aad, aadCount in
                output.withUnsafeMutableBufferPointer { out in
                    guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
                        EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1
                    else { return false }
                    var aadLength: Int32 = 0
                    if aadCount > 0, EVP_EncryptUpdate(context, nil, &aadLength, aad, Int32(aadCount)) != 1 {
                        return false
                    }
                    guard EVP_EncryptUpdate(context, out.baseAddress, &length, input, Int32(inputCount)) == 1,
                        EVP_EncryptFinal_ex(context, out.baseAddress! + Int(length), &finalLength) == 1
                    else { return false }
                    let tag = out.baseAddress! + Int(length + finalLength)
                    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), tag) == 1
                }
            }
        }
        guard ok, Int(length + finalLength) == plaintext.count else { throw .cryptoFailure("AES-GCM encrypt") }
        return output
    }

    /// Takes ciphertext ‖ tag; throws `authenticationFailed` unless the tag verifies.
    func open(_ sealed: [UInt8], nonce: [UInt8], associatedData: [UInt8]) throws(DataCipherError) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { throw .cryptoFailure("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        let ciphertext = Array(sealed.dropLast(Self.tagByteCount))
        var tag = Array(sealed.suffix(Self.tagByteCount))
        var output = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        var finalLength: Int32 = 0
        enum Outcome { case ok, setupFailed, authenticationFailed }
        let outcome = CryptoPrimitives.withNonNullPointer(ciphertext) { input, inputCount in
            CryptoPrimitives.withNonNullPointer(associatedData) { aad, aadCount in
                output.withUnsafeMutableBufferPointer { out -> Outcome in
                    guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
                        EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1
                    else { return .setupFailed }
                    var aadLength: Int32 = 0
                    if aadCount > 0, EVP_DecryptUpdate(context, nil, &aadLength, aad, Int32(aadCount)) != 1 {
                        return .setupFailed
                    }
                    guard EVP_DecryptUpdate(context, out.baseAddress, &length, input, Int32(inputCount)) == 1,
                        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), &tag) == 1
                    else { return .setupFailed }
                    // The tag is checked here; on failure the output must be discarded.
                    return EVP_DecryptFinal_ex(context, out.baseAddress! + Int(length), &finalLength) == 1
                        ? .ok : .authenticationFailed
                }
            }
        }
        switch outcome {
        case .ok: return Array(output.prefix(Int(length + finalLength)))
        case .authenticationFailed: throw .authenticationFailed
        case .setupFailed: throw .cryptoFailure("AES-GCM decrypt")
        }
    }
}
