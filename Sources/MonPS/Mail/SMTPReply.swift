/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines (`250-…` continuation lines joined).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var text: String { lines.joined(separator: " ") }
    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: the server asks to try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
    public var description: String { "\(code) \(text)" }

    /// The EHLO extensions (upper-cased keywords, e.g. `STARTTLS`, `AUTH` → its mechanisms).
    var extensions: [String: [String]] {
        var result: [String: [String]] = [:]
        for line in lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            result[keyword] = words.dropFirst().map { $0.uppercased() }
        }
        return result
    }
}

/// Assembles replies from the lines the server sends. Pure: the connection feeds it lines, it hands back complete
/// replies (or an error for a line that is not a reply).
struct SMTPReplyParser {
    private var code: Int?
    private var lines: [String] = []

    enum ParseError: Error, Equatable {
        case malformed
        case codeChanged
    }

    /// Feeds one line (without its CRLF); returns the reply it completes, if any.
    mutating func feed(_ line: String) throws(ParseError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = Int(String(decoding: bytes[0...2], as: UTF8.self)), (200...599).contains(value)
        else { throw .malformed }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw .malformed }
        if let code, code != value { throw .codeChanged }
        code = value
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            self.code = nil
            lines = []
        }
        return SMTPReply(code: value, lines: lines)
    }
}
