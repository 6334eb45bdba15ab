/// A one-pass scanner over the XML parts of an `.xlsx` workbook.
///
/// SpreadsheetML parts are machine-written, flat and huge (one element per cell), so a full XML parser's per-node
/// objects and callbacks would dominate the import. This reads tags and text in a single forward pass over the bytes:
/// names compare by local name (`x:c` = `c`), attributes are read only when asked, text is entity-decoded only when it
/// holds `&`. Comments, processing instructions, DOCTYPE and CDATA are skipped (CDATA text is kept).
///
/// Generic over the bytes so the large worksheet part is scanned through an `UnsafeBufferPointer`: its slices carry
/// no reference count, where an `ArraySlice` token retained and released the array several times per cell.
struct XLSXMarkup<Bytes: RandomAccessCollection<UInt8>> where Bytes.Index == Int {
    typealias Slice = Bytes.SubSequence

    struct Tag {
        /// Local name (prefix dropped).
        var name: Slice
        var closing: Bool
        var selfClosing: Bool
        /// Bytes between the name and `>` (or `/>`).
        var attributes: Slice

        func named(_ name: StaticString) -> Bool {
            name.withUTF8Buffer { Self.equal(self.name, $0) }
        }

        /// Byte equality without the generic `elementsEqual` (it showed in profiles of large sheets).
        static func equal(_ bytes: Slice, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
            guard bytes.count == other.count else { return false }
            var j = 0
            for byte in bytes {
                if byte != other[j] { return false }
                j += 1
            }
            return true
        }

        /// Calls `body` with each attribute's local name and raw (not decoded) value, in order.
        func forEachAttribute(_ body: (_ name: Slice, _ value: Slice) -> Void) {
            var i = attributes.startIndex
            let end = attributes.endIndex
            while i < end {
                while i < end, attributes[i] <= 0x20 { i += 1 }
                var localStart = i
                while i < end, attributes[i] != UInt8(ascii: "="), attributes[i] > 0x20 {
                    if attributes[i] == UInt8(ascii: ":") { localStart = i + 1 }
                    i += 1
                }
                let local = attributes[localStart..<i]
                while i < end, attributes[i] != UInt8(ascii: "\""), attributes[i] != UInt8(ascii: "'") { i += 1 }
                guard i < end else { return }
                let quote = attributes[i]
                i += 1
                let valueStart = i
                while i < end, attributes[i] != quote { i += 1 }
                body(local, attributes[valueStart..<min(i, end)])
                i += 1
            }
        }

        /// The value of the attribute whose local name is `name`, entity-decoded.
        func attribute(_ name: StaticString) -> String? {
            var i = attributes.startIndex
            let end = attributes.endIndex
            while i < end {
                while i < end, attributes[i] == 0x20 || attributes[i] == 0x09 || attributes[i] == 0x0A || attributes[i] == 0x0D { i += 1 }
                let nameStart = i
                while i < end, attributes[i] != UInt8(ascii: "="), attributes[i] > 0x20 { i += 1 }
                let fullName = attributes[nameStart..<i]
                while i < end, attributes[i] != UInt8(ascii: "\""), attributes[i] != UInt8(ascii: "'") { i += 1 }
                guard i < end else { return nil }
                let quote = attributes[i]
                i += 1
                let valueStart = i
                while i < end, attributes[i] != quote { i += 1 }
                let value = attributes[valueStart..<min(i, end)]
                i += 1
                let local = fullName.lastIndex(of: UInt8(ascii: ":")).map { fullName[($0 + 1)...] } ?? fullName
                if name.withUTF8Buffer({ Self.equal(local, $0) }) { return XMLText.decode(value) }
            }
            return nil
        }
    }

    enum Token {
        case tag(Tag)
        /// Character data between two tags (raw, not decoded).
        case text(Slice)
    }

    let bytes: Bytes
    var index = 0

    init(_ bytes: Bytes) { self.bytes = bytes }

    /// The next tag or non-empty text, `nil` at the end (a truncated tag ends the scan).
    mutating func next() -> Token? {
        let n = bytes.count
        while index < n {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < n, bytes[index] != UInt8(ascii: "<") { index += 1 }
                return .text(bytes[start..<index])
            }
            let open = index + 1
            guard open < n else { index = n; return nil }
            switch bytes[open] {
            case UInt8(ascii: "?"):
                skip(past: Array("?>".utf8))
                continue
            case UInt8(ascii: "!"):
                if bytes[open...].starts(with: Array("![CDATA[".utf8)) {
                    let start = open + 8
                    skip(past: Array("]]>".utf8))
                    return .text(bytes[start..<max(start, index - 3)])
                }
                skip(past: bytes[open...].starts(with: Array("!--".utf8)) ? Array("-->".utf8) : [UInt8(ascii: ">")])
                continue
            default: break
            }
            var i = open
            let closing = bytes[i] == UInt8(ascii: "/")
            if closing { i += 1 }
            let nameStart = i
            while i < n, bytes[i] > 0x20, bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
            var name = bytes[nameStart..<i]
            if let colon = name.lastIndex(of: UInt8(ascii: ":")) { name = bytes[(colon + 1)..<i] }
            let attributesStart = i
            var quote: UInt8 = 0
            while i < n {
                let byte = bytes[i]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                i += 1
            }
            guard i < n else { index = n; return nil }
            let selfClosing = i > attributesStart && bytes[i - 1] == UInt8(ascii: "/")
            let attributes = bytes[attributesStart..<(selfClosing ? i - 1 : i)]
            index = i + 1
            return .tag(Tag(name: name, closing: closing, selfClosing: selfClosing, attributes: attributes))
        }
        return nil
    }

    private mutating func skip(past terminator: [UInt8]) {
        let n = bytes.count
        while index < n {
            if bytes[index] == terminator[0], bytes[index...].starts(with: terminator) {
                index += terminator.count
                return
            }
            index += 1
        }
    }
}

/// Text of XML parts.
enum XMLText {
    /// Decodes the five predefined entities and character references; anything else is kept literally.
    static func decode<Raw: RandomAccessCollection<UInt8>>(_ raw: Raw) -> String where Raw.Index == Int {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let byte = raw[i]
            guard byte == UInt8(ascii: "&"), let semicolon = raw[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(byte)
                i += 1
                continue
            }
            let entity = String(decoding: raw[(i + 1)..<semicolon], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i = semicolon + 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
