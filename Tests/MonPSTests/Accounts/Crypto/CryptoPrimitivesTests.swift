import Testing

@testable import MonPS

@Suite(.hangGuard) struct SecurityCryptoPrimitivesTests {
    private func hex(_ string: String) -> [UInt8] { try! Hex.decode(string) }
    private func ascii(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func hmacSHA256RFC4231Case1() {
        let mac = CryptoPrimitives.hmacSHA256(key: [UInt8](repeating: 0x0B, count: 20), message: ascii("Hi There"))
        #expect(Hex.encode(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func hmacSHA256RFC4231Case2() {
        let mac = CryptoPrimitives.hmacSHA256(key: ascii("Jefe"), message: ascii("what do ya want for nothing?"))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacSHA256RFC4231Case3() {
        let mac = CryptoPrimitives.hmacSHA256(
            key: [UInt8](repeating: 0xAA, count: 20), message: [UInt8](repeating: 0xDD, count: 50))
        #expect(Hex.encode(mac) == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    @Test func hmacSHA256RFC4231Case6LongKey() {
        let mac = CryptoPrimitives.hmacSHA256(
            key: [UInt8](repeating: 0xAA, count: 131),
            message: ascii("Test Using Larger Than Block-Size Key - Hash Key First"))
        #expect(Hex.encode(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func hmacWithEmptyKeyAndMessageMatchesKnownValue() {
        // HMAC-SHA256("", "") — also exercises the non-NULL pointer path for empty buffers.
        #expect(
            Hex.encode(CryptoPrimitives.hmacSHA256(key: [], message: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func sha256KnownAnswers() {
        #expect(
            Hex.encode(CryptoPrimitives.sha256(ascii("abc")))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hex.encode(CryptoPrimitives.sha256([]))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func constantTimeEquals() {
        #expect(CryptoPrimitives.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!CryptoPrimitives.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!CryptoPrimitives.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!CryptoPrimitives.constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!CryptoPrimitives.constantTimeEquals([], [0]))
        #expect(CryptoPrimitives.constantTimeEquals([], []))
    }

    @Test func secureRandomBytes() throws {
        #expect(try CryptoPrimitives.secureRandomBytes(count: 0) == [])
        let a = try CryptoPrimitives.secureRandomBytes(count: 32)
        let b = try CryptoPrimitives.secureRandomBytes(count: 32)
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test func hexRoundTripAndStrictness() throws {
        #expect(Hex.encode([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        #expect(try Hex.decode("000fA5Ff") == [0x00, 0x0F, 0xA5, 0xFF])
        #expect(throws: ByteEncodingError.invalidLength) { try Hex.decode("abc") }
        #expect(throws: ByteEncodingError.invalidCharacter) { try Hex.decode("0g") }
        #expect(throws: ByteEncodingError.invalidCharacter) { try Hex.decode("0x00") }
    }

    @Test func base64URLRFC4648Vectors() throws {
        let vectors = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(ascii(plain)) == encoded)
            #expect(try Base64URL.decode(encoded) == ascii(plain))
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(try Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test func base64URLStrictDecoding() {
        #expect(throws: ByteEncodingError.invalidCharacter) { try Base64URL.decode("Zg==") }  // padding
        #expect(throws: ByteEncodingError.invalidCharacter) { try Base64URL.decode("Zm8=") }
        #expect(throws: ByteEncodingError.invalidCharacter) { try Base64URL.decode("+/8") }  // standard alphabet
        #expect(throws: ByteEncodingError.invalidCharacter) { try Base64URL.decode("Zm 9") }
        #expect(throws: ByteEncodingError.invalidLength) { try Base64URL.decode("Zm9v=") }
        #expect(throws: ByteEncodingError.invalidLength) { try Base64URL.decode("Z") }
        #expect(throws: ByteEncodingError.invalidLength) { try Base64URL.decode("Zm9vY") }
        // "Zh" and "Zm9" decode to "f" / "fo" in lenient decoders (non-zero spare bits).
        #expect(throws: ByteEncodingError.nonCanonical) { try Base64URL.decode("Zh") }
        #expect(throws: ByteEncodingError.nonCanonical) { try Base64URL.decode("Zm9") }
    }
}
