// Character classes of URIs and credentials, on UTF-8 bytes (headers and queries are parsed on every request).

enum URICharacters {
    /// RFC 3986 unreserved: `A–Z a–z 0–9 - . _ ~` (never percent-encoded).
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// RFC 6750 §2.1 b64token: the unreserved characters and `+ / =`.
    static func isB64TokenByte(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
}
