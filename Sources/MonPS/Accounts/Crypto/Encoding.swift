/// Why a strict decoder refused its input.
public enum ByteEncodingError: Error, Equatable, Sendable {
    case invalidCharacter
    case invalidLength
    /// Unused trailing bits were not zero: another string decodes to the same bytes.
    case nonCanonical
}

/// Lowercase hexadecimal.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes an even-length string of `0-9a-fA-F` (no prefix, no whitespace).
    public static func decode(_ string: String) throws(ByteEncodingError) -> [UInt8] {
        let chars = Array(string.utf8)
        guard chars.count % 2 == 0 else { throw .invalidLength }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else {
                throw .invalidCharacter
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// RFC 4648 §5 base64url without padding, with strict (canonical-only) decoding.
public enum Base64URL {
    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = UInt8(value) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let n = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
        case 2:
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ string: String) throws(ByteEncodingError) -> [UInt8] {
        try decode(utf8: Array(string.utf8))
    }

    /// Strict decoding: only `A-Z a-z 0-9 - _`, no `=` padding, no whitespace, a length that is not
    /// 1 mod 4, and zero unused bits in the last character, so every byte string has exactly one
    /// accepted encoding (the 2- or 4-spare-bits malleability is rejected).
    public static func decode(utf8 chars: [UInt8]) throws(ByteEncodingError) -> [UInt8] {
        guard chars.count % 4 != 1 else { throw .invalidLength }
        var values = [UInt8]()
        values.reserveCapacity(chars.count)
        for char in chars {
            let value = reverse[Int(char)]
            guard value != 0xFF else { throw .invalidCharacter }
            values.append(value)
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var index = 0
        while index + 4 <= values.count {
            let n = UInt32(values[index]) << 18 | UInt32(values[index + 1]) << 12
                | UInt32(values[index + 2]) << 6 | UInt32(values[index + 3])
            out.append(UInt8(n >> 16 & 0xFF))
            out.append(UInt8(n >> 8 & 0xFF))
            out.append(UInt8(n & 0xFF))
            index += 4
        }
        switch values.count - index {
        case 2:
            guard values[index + 1] & 0x0F == 0 else { throw .nonCanonical }
            out.append(values[index] << 2 | values[index + 1] >> 4)
        case 3:
            guard values[index + 2] & 0x03 == 0 else { throw .nonCanonical }
            out.append(values[index] << 2 | values[index + 1] >> 4)
            out.append((values[index + 1] & 0x0F) << 4 | values[index + 2] >> 2)
        default:
            break
        }
        return out
    }
}
