import Testing

@testable import MonPS

@Suite(.hangGuard) struct SecurityDataCipherTests {
    static let keyHex = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
    let cipher = try! DataCipher(hexKey: keyHex)

    @Test func gcmSpecTestCase16KnownAnswer() throws {
        // McGrew & Viega GCM spec, test case 16 (AES-256, 60-byte plaintext, 20-byte AAD).
        let cipher = try DataCipher(hexKey: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let plaintext = try Hex.decode(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
        let sealed = try cipher.seal(
            plaintext, nonce: try Hex.decode("cafebabefacedbaddecaf888"),
            associatedData: try Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2"))
        #expect(
            Hex.encode(sealed)
                == "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b")
    }

    @Test func decryptsAValueProducedByAnIndependentImplementation() throws {
        // Python `cryptography` AESGCM, nonce 0x64…0x6f, AAD "user:42:bookmaker_key".
        let value = "v1:ZGVmZ2hpamtsbW5vAzOw5bzD7DDYpzAMiVh3WqHUkedJ_CwMMIgU8xI"
        #expect(try cipher.decrypt(value, associatedData: "user:42:bookmaker_key") == "clé-API 🔑")
        #expect(throws: DataCipherError.authenticationFailed) { try cipher.decrypt(value) }
    }

    @Test func roundTrip() throws {
        for plaintext in ["", "sk_live_0123456789abcdef", "clé 🔑", String(repeating: "x", count: 10_000)] {
            let sealed = try cipher.encrypt(plaintext)
            #expect(sealed.hasPrefix("v1:"))
            #expect(try Base64URL.decode(String(sealed.dropFirst(3))).count == 12 + plaintext.utf8.count + 16)
            #expect(try cipher.decrypt(sealed) == plaintext)
        }
        #expect(try cipher.encrypt("same") != (try cipher.encrypt("same")))  // fresh nonce
    }

    @Test func associatedDataBindsTheValue() throws {
        let sealed = try cipher.encrypt("secret", associatedData: "user:1")
        #expect(try cipher.decrypt(sealed, associatedData: "user:1") == "secret")
        #expect(throws: DataCipherError.authenticationFailed) { try cipher.decrypt(sealed, associatedData: "user:2") }
    }

    @Test func everyTamperedByteIsDetected() throws {
        let sealed = try cipher.encrypt("api-key-123")
        let blob = try Base64URL.decode(String(sealed.dropFirst(3)))
        for index in blob.indices {  // nonce, ciphertext and tag
            var tampered = blob
            tampered[index] ^= 0x01
            #expect(throws: DataCipherError.authenticationFailed) {
                try cipher.decrypt("v1:" + Base64URL.encode(tampered))
            }
        }
        #expect(throws: DataCipherError.authenticationFailed) {
            try cipher.decrypt("v1:" + Base64URL.encode(blob.dropLast() + [0]) )
        }
    }

    @Test func wrongKeyFails() throws {
        let sealed = try cipher.encrypt("api-key-123")
        let other = try DataCipher(hexKey: String(Self.keyHex.dropLast()) + "1")
        #expect(throws: DataCipherError.authenticationFailed) { try other.decrypt(sealed) }
    }

    @Test func malformedValuesAreRejected() throws {
        let sealed = try cipher.encrypt("x")
        #expect(throws: DataCipherError.malformedCiphertext) { try cipher.decrypt(String(sealed.dropFirst(3))) }
        #expect(throws: DataCipherError.malformedCiphertext) { try cipher.decrypt("v2:" + sealed.dropFirst(3)) }
        #expect(throws: DataCipherError.malformedCiphertext) { try cipher.decrypt(sealed + "=") }
        #expect(throws: DataCipherError.malformedCiphertext) { try cipher.decrypt("v1:" + Base64URL.encode([1, 2, 3])) }
        #expect(throws: DataCipherError.malformedCiphertext) { try cipher.decrypt("") }
    }

    @Test func invalidKeysAreRefused() {
        #expect(throws: DataCipherError.invalidKey) { try DataCipher(hexKey: String(Self.keyHex.dropLast())) }
        #expect(throws: DataCipherError.invalidKey) { try DataCipher(hexKey: Self.keyHex + "00") }
        #expect(throws: DataCipherError.invalidKey) { try DataCipher(hexKey: "zz" + Self.keyHex.dropFirst(2)) }
        #expect(throws: DataCipherError.invalidKey) { try DataCipher(hexKey: String(repeating: "0", count: 64)) }
        #expect(throws: DataCipherError.invalidKey) { try DataCipher(key: [UInt8](repeating: 7, count: 16)) }
    }

    @Test func descriptionIsRedacted() {
        var dumped = ""
        dump(cipher, to: &dumped)
        for text in [String(describing: cipher), String(reflecting: cipher), dumped] {
            #expect(!text.contains("1, 2, 3"))
            #expect(!text.lowercased().contains("0102030405"))
        }
    }
}
