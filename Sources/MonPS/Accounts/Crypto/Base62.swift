/// Fixed-width base62 (`0-9A-Za-z`, most significant digit first, left-padded with `0`) of a
/// big-endian unsigned integer.
public enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Number of digits needed for any value of `byteCount` bytes (32 bytes → 43, 4 bytes → 6).
    public static func width(forByteCount byteCount: Int) -> Int {
        // ceil(byteCount * 8 / log2(62)); log2(62) ≈ 5.9542.
        var width = 0
        var capacity: [UInt8] = [1]  // 62^width as big-endian bytes
        while capacity.count <= byteCount {
            capacity = multiply(capacity, by: 62, adding: 0)
            width += 1
        }
        return width
    }

    /// Encodes `bytes` as exactly `width` digits. Precondition: the value fits.
    public static func encode(_ bytes: [UInt8], width: Int) -> String {
        var number = Array(bytes.drop(while: { $0 == 0 }))
        var digits = [UInt8]()
        while !number.isEmpty {
            var remainder = 0
            var quotient = [UInt8]()
            quotient.reserveCapacity(number.count)
            for byte in number {
                let accumulator = remainder * 256 + Int(byte)
                let q = accumulator / 62
                remainder = accumulator % 62
                if !(quotient.isEmpty && q == 0) { quotient.append(UInt8(q)) }
            }
            digits.append(alphabet[remainder])
            number = quotient
        }
        precondition(digits.count <= width, "value does not fit the base62 width")
        let padding = [UInt8](repeating: UInt8(ascii: "0"), count: width - digits.count)
        return String(decoding: padding + digits.reversed(), as: UTF8.self)
    }

    public static func encode(_ value: UInt32, width: Int) -> String {
        encode([UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)],
               width: width)
    }

    /// Decodes base62 digits into exactly `byteCount` big-endian bytes; nil on a character outside
    /// the alphabet or a value that does not fit in `byteCount` bytes.
    public static func decode(_ string: Substring.UTF8View, byteCount: Int) -> [UInt8]? {
        var number: [UInt8] = []
        for char in string {
            guard let digit = value(of: char) else { return nil }
            number = multiply(number, by: 62, adding: digit)
            if number.count > byteCount { return nil }
        }
        return [UInt8](repeating: 0, count: byteCount - number.count) + number
    }

    static func value(of char: UInt8) -> Int? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(char - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(char - UInt8(ascii: "A")) + 10
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(char - UInt8(ascii: "a")) + 36
        default: nil
        }
    }

    /// number * factor + addend, on minimal big-endian byte arrays (no leading zero bytes).
    private static func multiply(_ number: [UInt8], by factor: Int, adding addend: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: number.count)
        var carry = addend
        for index in stride(from: number.count - 1, through: 0, by: -1) {
            let accumulator = Int(number[index]) * factor + carry
            result[index] = UInt8(accumulator & 0xFF)
            carry = accumulator >> 8
        }
        while carry > 0 {
            result.insert(UInt8(carry & 0xFF), at: 0)
            carry >>= 8
        }
        return Array(result.drop(while: { $0 == 0 }))
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as in zlib/PNG). Not a security primitive:
/// only a typo check for token strings.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
