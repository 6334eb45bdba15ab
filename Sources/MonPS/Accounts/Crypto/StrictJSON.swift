/// A small, strict RFC 8259 JSON reader/writer for JWT segments.
///
/// Unlike Foundation's decoders it rejects duplicate object keys (RFC 7515 §5.2 / RFC 8725),
/// keeps numbers as their literal text (so `exp` can be required to be an integer, not `1.5`,
/// `1e9` or `"123"`), requires valid UTF-8, bounds nesting depth and rejects trailing data.
enum StrictJSON {
    indirect enum Value: Equatable, Sendable {
        case object([String: Value])
        case array([Value])
        case string(String)
        /// The number's literal text, already checked against the JSON number grammar.
        case number(String)
        case bool(Bool)
        case null

        /// The value as an Int64 if it is a JSON integer literal (no fraction, no exponent) in range.
        var int64: Int64? {
            guard case .number(let text) = self, !text.contains(where: { ".eE".contains($0) }) else {
                return nil
            }
            return Int64(text)
        }

        var string: String? {
            if case .string(let value) = self { return value }
            return nil
        }
    }

    struct ParseError: Error {}

    static let maxDepth = 16

    /// Parses a complete document whose top level must be an object.
    static func parseObject(_ bytes: [UInt8]) throws(ParseError) -> [String: Value] {
        guard case .object(let members) = try parse(bytes) else { throw ParseError() }
        return members
    }

    /// Parses a complete document of any JSON value, nested at most `maxDepth` deep (request bodies use the
    /// default; the contract's own document, read once at start-up, is deeper).
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes, maxDepth: Int = StrictJSON.maxDepth) throws(ParseError) -> Value {
        var parser = Parser(bytes: Array(bytes), maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw ParseError() }
        return value
    }

    /// A JSON string literal, escaping `"`, `\` and control characters.
    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private struct Parser {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func expect(_ literal: String) throws(ParseError) {
            for char in literal.utf8 {
                guard peek() == char else { throw ParseError() }
                index += 1
            }
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> Value {
            guard depth <= maxDepth, let char = peek() else { throw ParseError() }
            switch char {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return .number(try parseNumber())
            }
        }

        mutating func parseObject(depth: Int) throws(ParseError) -> Value {
            index += 1  // {
            var members: [String: Value] = [:]
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw ParseError() }
                let key = try parseString()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                let value = try parseValue(depth: depth)
                guard members.updateValue(value, forKey: key) == nil else { throw ParseError() }  // duplicate
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw ParseError()
                }
            }
        }

        mutating func parseArray(depth: Int) throws(ParseError) -> Value {
            index += 1  // [
            var elements: [Value] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw ParseError()
                }
            }
        }

        mutating func parseString() throws(ParseError) -> String {
            index += 1  // opening quote
            var utf8: [UInt8] = []
            while true {
                guard let char = peek() else { throw ParseError() }
                index += 1
                switch char {
                case UInt8(ascii: "\""):
                    guard let string = String(validating: utf8, as: UTF8.self) else { throw ParseError() }
                    return string
                case UInt8(ascii: "\\"):
                    guard let escaped = peek() else { throw ParseError() }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
                    default: throw ParseError()
                    }
                case 0x00..<0x20:
                    throw ParseError()  // unescaped control character
                default:
                    utf8.append(char)
                }
            }
        }

        /// After `\u`: four hex digits, combining a surrogate pair; lone surrogates are rejected.
        mutating func parseUnicodeEscape() throws(ParseError) -> [UInt8] {
            let first = try parseHex4()
            var scalarValue = first
            if (0xD800..<0xDC00).contains(first) {
                try expect("\\u")
                let second = try parseHex4()
                guard (0xDC00..<0xE000).contains(second) else { throw ParseError() }
                scalarValue = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw ParseError() }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func parseHex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw ParseError() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let char = bytes[index]
                let digit: UInt32
                switch char {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(char - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(char - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(char - UInt8(ascii: "A") + 10)
                default: throw ParseError()
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func parseNumber() throws(ParseError) -> String {
            let start = index
            if peek() == UInt8(ascii: "-") { index += 1 }
            if peek() == UInt8(ascii: "0") {
                index += 1
            } else {
                guard consumeDigits() else { throw ParseError() }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard consumeDigits() else { throw ParseError() }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard consumeDigits() else { throw ParseError() }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func consumeDigits() -> Bool {
            let start = index
            while let char = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(char) { index += 1 }
            return index > start
        }
    }
}
