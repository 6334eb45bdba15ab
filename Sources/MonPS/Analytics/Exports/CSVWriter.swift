/// RFC 4180 CSV, UTF-8: fields separated by commas, records ended by CRLF, a field quoted when it holds a comma, a
/// quote, CR or LF, with its quotes doubled. A field that a spreadsheet would run as a formula (first character
/// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'` first (OWASP's CSV injection advice) — unless it is a plain
/// number such as `-1000`, which a spreadsheet reads as a number anyway and which must stay numeric.
enum CSVWriter {
    /// Appends one record. `nil` is an empty field.
    static func appendRecord(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            if let field { appendField(field, to: &buffer) }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
    }

    static func appendField(_ raw: String, to buffer: inout [UInt8]) {
        let field = neutralised(raw)
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            buffer.append(contentsOf: field.utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in field.utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// `field`, or `'field` when a spreadsheet would take it for a formula.
    static func neutralised(_ field: String) -> String {
        guard let first = field.utf8.first, formulaStarts.contains(first), !isPlainNumber(field) else { return field }
        return "'" + field
    }

    private static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    /// `-?digits(.digits)?(e±digits)?` — what the database writes for numbers.
    static func isPlainNumber(_ field: String) -> Bool {
        var bytes = Substring(field).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Bool {
            let count = bytes.prefix { (0x30...0x39).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count > 0
        }
        guard digits() else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() else { return false }
        }
        return bytes.isEmpty
    }
}
