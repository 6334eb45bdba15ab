import Testing

@testable import MonPS

@Suite(.hangGuard) struct SecurityOpaqueTokenTests {
    @Test func crc32KnownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func base62FixedWidth() {
        #expect(Base62.width(forByteCount: 32) == 43)
        #expect(Base62.width(forByteCount: 4) == 6)
        #expect(Base62.encode([UInt8](repeating: 0xFF, count: 32), width: 43) == "yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1")
        #expect(Base62.encode([UInt8](repeating: 0, count: 32), width: 43) == String(repeating: "0", count: 43))
        #expect(Base62.encode([UInt8](repeating: 0, count: 31) + [61], width: 43) == String(repeating: "0", count: 42) + "z")
        #expect(Base62.encode(UInt32(0xFFFF_FFFF), width: 6) == "4gfFC3")
        #expect(Base62.encode(UInt32(0xCBF4_3926), width: 6) == "3jZRME")
        #expect(Base62.decode("4gfFC3"[...].utf8, byteCount: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Base62.decode("4gfFC4"[...].utf8, byteCount: 4) == nil)  // 2^32 does not fit
        #expect(Base62.decode("00-"[...].utf8, byteCount: 4) == nil)
    }

    @Test func apiTokenFormat() throws {
        let regex = try Regex("^mps_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$")
        for _ in 0..<50 {
            let secret = try APITokenSecret.generate()
            #expect(secret.token.wholeMatch(of: regex) != nil)
            #expect(secret.token.utf8.count == 54)
            #expect(APITokenSecret.parse(secret.token)?.token == secret.token)
            #expect(secret.displayPrefix == String(secret.token.prefix(12)))
            #expect(secret.displayPrefix.hasPrefix("mps_") && secret.displayPrefix.count == 12)
            #expect(secret.hash == Hex.encode(CryptoPrimitives.sha256(secret.token)))
        }
    }

    @Test func apiTokenKnownChecksums() {
        // Computed independently (Python zlib.crc32 + base62).
        let zeros = "mps_" + String(repeating: "0", count: 43) + "_2CZclj"
        #expect(APITokenSecret.parse(zeros) != nil)
        let max = "mps_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1_3sRzl1"
        #expect(APITokenSecret.parse(max) != nil)
        #expect(APITokenSecret.parse(zeros)?.hash == Hex.encode(CryptoPrimitives.sha256(zeros)))
    }

    @Test func apiTokenChecksumRejectsEveryOneCharacterTypo() throws {
        let token = try APITokenSecret.generate().token
        var chars = Array(token)
        for index in 4..<chars.count where index != 47 {  // random part and checksum
            let original = chars[index]
            chars[index] = original == "a" ? "b" : "a"
            #expect(APITokenSecret.parse(String(chars)) == nil, "typo at \(index) accepted")
            chars[index] = original
        }
        #expect(APITokenSecret.parse(String(chars)) != nil)
    }

    @Test func apiTokenParseRejectsMalformedStrings() {
        let valid = "mps_" + String(repeating: "0", count: 43) + "_2CZclj"
        #expect(APITokenSecret.parse(valid) != nil)
        #expect(APITokenSecret.parse("mpx_" + valid.dropFirst(4)) == nil)
        #expect(APITokenSecret.parse("MPS_" + valid.dropFirst(4)) == nil)
        #expect(APITokenSecret.parse(String(valid.dropLast())) == nil)
        #expect(APITokenSecret.parse(valid + "0") == nil)
        #expect(APITokenSecret.parse(String(valid.dropLast(7)) + "-2CZclj") == nil)
        #expect(APITokenSecret.parse(" " + valid.dropLast()) == nil)
        #expect(APITokenSecret.parse("") == nil)
        // A random part above 2^256 - 1 cannot come from 32 bytes, even with a matching checksum.
        let overflow = "yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp2"
        #expect(APITokenSecret.parse("mps_\(overflow)_\(APITokenSecret.checksum(of: overflow))") == nil)
    }

    @Test func apiTokenDescriptionIsRedacted() throws {
        let secret = try APITokenSecret.generate()
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [String(describing: secret), String(reflecting: secret), dumped, "\(secret)"] {
            #expect(!text.contains(secret.token))
            #expect(text.contains(secret.displayPrefix))
        }
    }

    @Test func refreshTokens() throws {
        let refresh = try OpaqueSecret.generate()
        #expect(refresh.token.utf8.count == 43)
        #expect(try Base64URL.decode(refresh.token).count == 32)
        #expect(refresh.hash == Hex.encode(CryptoPrimitives.sha256(refresh.token)))
        #expect(refresh.hash.count == 64)
        #expect(OpaqueSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try OpaqueSecret.generate().token != refresh.token)
        #expect(OpaqueSecret.parse(refresh.token)?.token == refresh.token)
        #expect(OpaqueSecret.parse(String(refresh.token.dropLast())) == nil)
        #expect(OpaqueSecret.parse(refresh.token + "=") == nil)
        let zeros = String(repeating: "A", count: 43)
        #expect(OpaqueSecret.parse(zeros) != nil)
        #expect(OpaqueSecret.parse(String(repeating: "A", count: 42) + "B") == nil)  // spare bits set
        #expect(!String(describing: refresh).contains(refresh.token))
        var dumped = ""
        dump(refresh, to: &dumped)
        #expect(!dumped.contains(refresh.token))
    }
}
