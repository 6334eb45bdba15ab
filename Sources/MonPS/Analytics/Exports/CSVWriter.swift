import NIOCore

/// RFC 4180 CSV, UTF-8: fields separated by commas, records ended by CRLF, a field quoted when it holds a comma, a
/// quote, CR or LF, with its quotes doubled. A field that a spreadsheet would run as a formula (first character
/// `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'` first (OWASP's CSV injection advice) — unless it is a plain
/// number such as `-1000`, which a spreadsheet reads as a number anyway and which must stay numeric.
///
/// Works on bytes: the export copies each cell from PostgreSQL's row buffer into the output buffer, with no `String`
/// per cell.
enum CSVWriter {
    /// Appends one record. `nil` is an empty field.
    static func appendRecord(_ fields: [String?], to buffer: inout [UInt8]) {
        var out = ByteBuffer()
        for (index, field) in fields.enumerated() {
            if index > 0 { out.writeInteger(UInt8(ascii: ",")) }
            if let field { Array(field.utf8).withUnsafeBytes { appendField($0, to: &out) } }
        }
        out.writeStaticString("\r\n")
        buffer.append(contentsOf: out.readableBytesView)
    }

    /// Appends one field's bytes (UTF-8), quoted and neutralised as needed.
    @inlinable
    static func appendField(_ field: UnsafeRawBufferPointer, to out: inout ByteBuffer) {
        let neutralise = field.first.map { isFormulaStart($0) && !isPlainNumber(field) } ?? false
        var needsQuotes = false
        for byte in field where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            if neutralise { out.writeInteger(UInt8(ascii: "'")) }
            out.writeBytes(field)
            return
        }
        out.writeInteger(UInt8(ascii: "\""))
        if neutralise { out.writeInteger(UInt8(ascii: "'")) }
        var start = 0
        for (index, byte) in field.enumerated() where byte == UInt8(ascii: "\"") {
            // Up to and including the quote, then the quote again.
            out.writeBytes(UnsafeRawBufferPointer(rebasing: field[start...index]))
            out.writeInteger(UInt8(ascii: "\""))
            start = index + 1
        }
        out.writeBytes(UnsafeRawBufferPointer(rebasing: field[start...]))
        out.writeInteger(UInt8(ascii: "\""))
    }

    @inlinable
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0D
    }

    /// `-?digits(.digits)?(e±digits)?` — what the database writes for numbers.
    @usableFromInline
    static func isPlainNumber(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func digits() -> Bool {
            let start = i
            while i < n && isDigit(bytes[i]) { i += 1 }
            return i > start
        }
        if i < n && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digits() else { return false }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { return false }
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { i += 1 }
            guard digits() else { return false }
        }
        return i == n
    }
}
