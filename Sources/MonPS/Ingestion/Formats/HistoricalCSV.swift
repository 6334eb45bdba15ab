import MonPSCore

/// A forgiving RFC 4180 reader for the historical odds files.
///
/// - Delimiter `,`, `;` or tab, sniffed from the header line (the most frequent one outside quotes).
/// - A UTF-8 byte-order mark is stripped; records end at CRLF, LF or a lone CR.
/// - Quoted fields may contain delimiters, line breaks and `""`; text after a closing quote up to the
///   delimiter is kept literally (`"a"b` → `ab`), a quote inside an unquoted field is literal.
/// - Each field is decoded on its own: UTF-8 when valid, otherwise with the `fallback` code page,
///   so a single stray byte affects one field only.
/// - An unterminated quote (or a field longer than `maxFieldBytes`) drops that record with an
///   issue and reading resumes on the line after the one where the quote opened.
/// - Blank records (every field empty or whitespace) are ignored and not counted.
/// - Line numbers are 1-based physical lines where a record starts; the header is line 1 when the
///   file starts with it.
public enum HistoricalCSV {
    /// One data record.
    public struct Record: Sendable, Equatable {
        /// 1-based line where the record starts.
        public var line: Int
        /// Raw field texts (not trimmed).
        public var fields: [String]

        /// The trimmed text of field `index`, or `nil` when the index is `nil`, out of range, or
        /// the field is empty after trimming ("empty = missing").
        public func value(_ index: Int?) -> String? {
            guard let index, index >= 0, index < fields.count else { return nil }
            let trimmed = HistoricalCSV.trim(fields[index])
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// A parsed file: header plus data records.
    public struct Document: Sendable {
        /// Header names, trimmed.
        public var header: [String]
        /// Line of the header.
        public var headerLine: Int
        /// Data records (blank ones removed), in file order.
        public var records: [Record]
        /// The delimiter byte used.
        public var delimiter: UInt8
        /// Reader-level problems (unterminated quotes, oversized fields).
        public var issues: [ImportIssue]

        /// Index of the first header named exactly `name` (after trimming).
        public func index(of name: String) -> Int? { header.firstIndex(of: name) }

        /// Index of the first header equal to one of `names`, trying them in order.
        public func index(ofAny names: [String]) -> Int? {
            for name in names { if let found = index(of: name) { return found } }
            return nil
        }

        /// Index of a header compared loosely: case-insensitive, spaces/underscores ignored
        /// (`Open OU` = `OpenOU` = `open_ou`).
        public func looseIndex(of name: String) -> Int? {
            let wanted = HistoricalCSV.looseKey(name)
            return header.firstIndex { HistoricalCSV.looseKey($0) == wanted }
        }

        /// `nil` when `record` has as many fields as the header (extra trailing fields that are all
        /// empty are tolerated), otherwise a row-skipping issue.
        public func widthIssue(_ record: Record) -> ImportIssue? {
            let count = record.fields.count
            if count == header.count { return nil }
            if count > header.count,
               record.fields[header.count...].allSatisfy({ HistoricalCSV.trim($0).isEmpty }) {
                return nil
            }
            return ImportIssue(
                line: record.line, reason: "row has \(count) fields, the header has \(header.count)",
                effect: .rowSkipped)
        }
    }

    /// Reads `bytes` as delimited text.
    /// - Throws: ``ImportFileError`` when the file is empty, has no header, or holds NUL bytes
    ///   (binary data, UTF-16).
    public static func read(
        _ bytes: [UInt8], fallback: LegacyTextEncoding = .windows1252, maxFieldBytes: Int = 1 << 20
    ) throws(ImportFileError) -> Document {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        if bytes[start...].contains(0) {
            throw ImportFileError("not a text file: it contains NUL bytes (binary data or UTF-16)")
        }
        let delimiter = sniffDelimiter(bytes, from: start)
        var tokenizer = Tokenizer(
            bytes: bytes, start: start, delimiter: delimiter, fallback: fallback,
            maxFieldBytes: maxFieldBytes)
        tokenizer.run()
        var records = tokenizer.records
        guard !records.isEmpty else { throw ImportFileError("empty file: no header row") }
        let headerRecord = records.removeFirst()
        return Document(
            header: headerRecord.fields.map(trim), headerLine: headerRecord.line, records: records,
            delimiter: delimiter, issues: tokenizer.issues)
    }

    /// Trims ASCII whitespace and Unicode spaces (incl. U+00A0 NO-BREAK SPACE) at both ends.
    public static func trim(_ text: String) -> String {
        var copy = text
        let plain = copy.withUTF8 { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
        }
        if plain { return text }
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !isSpace(first) && !isSpace(last) { return text }
        var lower = scalars.startIndex
        var upper = scalars.endIndex
        while lower < upper, isSpace(scalars[lower]) { lower = scalars.index(after: lower) }
        while upper > lower, isSpace(scalars[scalars.index(before: upper)]) {
            upper = scalars.index(before: upper)
        }
        return String(scalars[lower..<upper])
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x2000...0x200B, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    static func looseKey(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" })
    }

    /// The most frequent of `,` `;` tab outside quotes on the first line; `,` on a tie or none.
    static func sniffDelimiter(_ bytes: [UInt8], from start: Int) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var inQuotes = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes {
                if byte == 0x0A || byte == 0x0D { break }
                if counts[byte] != nil { counts[byte, default: 0] += 1 }
            }
            index += 1
        }
        let comma = counts[UInt8(ascii: ",")] ?? 0
        let semicolon = counts[UInt8(ascii: ";")] ?? 0
        let tab = counts[0x09] ?? 0
        if semicolon > comma && semicolon >= tab { return UInt8(ascii: ";") }
        if tab > comma && tab > semicolon { return 0x09 }
        return UInt8(ascii: ",")
    }
}

/// The byte-level state machine behind ``HistoricalCSV/read(_:fallback:maxFieldBytes:)``.
private struct Tokenizer {
    let bytes: [UInt8]
    let start: Int
    let delimiter: UInt8
    let fallback: LegacyTextEncoding
    let maxFieldBytes: Int
    var records: [HistoricalCSV.Record] = []
    var issues: [ImportIssue] = []

    init(bytes: [UInt8], start: Int, delimiter: UInt8, fallback: LegacyTextEncoding, maxFieldBytes: Int) {
        self.bytes = bytes
        self.start = start
        self.delimiter = delimiter
        self.fallback = fallback
        self.maxFieldBytes = max(1, maxFieldBytes)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    mutating func run() {
        let n = bytes.count
        var i = start
        var line = 1
        var recordLine = 1
        var fields: [String] = []
        var oversized = false
        var buffer: [UInt8] = []
        while i < n {
            if bytes[i] == Self.quote {
                let quoteIndex = i
                let quoteLine = line
                buffer.removeAll(keepingCapacity: true)
                i += 1
                var closed = false
                while i < n, buffer.count <= maxFieldBytes {
                    let byte = bytes[i]
                    if byte == Self.quote {
                        if i + 1 < n, bytes[i + 1] == Self.quote {
                            buffer.append(Self.quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if byte == Self.lf || (byte == Self.cr && !(i + 1 < n && bytes[i + 1] == Self.lf)) {
                        line += 1
                    }
                    buffer.append(byte)
                    i += 1
                }
                if !closed {
                    let why = buffer.count > maxFieldBytes
                        ? "quoted field longer than \(maxFieldBytes) bytes" : "unterminated quoted field"
                    issues.append(ImportIssue(line: quoteLine, reason: "\(why) (row skipped)", effect: .rowSkipped))
                    // Resume on the line after the one where the quote opened.
                    i = quoteIndex
                    while i < n, bytes[i] != Self.lf, bytes[i] != Self.cr { i += 1 }
                    if i < n { i += (bytes[i] == Self.cr && i + 1 < n && bytes[i + 1] == Self.lf) ? 2 : 1 }
                    line = quoteLine + 1
                    recordLine = line
                    fields.removeAll()
                    oversized = false
                    continue
                }
                while i < n, bytes[i] != delimiter, bytes[i] != Self.lf, bytes[i] != Self.cr {
                    buffer.append(bytes[i])
                    i += 1
                }
                if buffer.count > maxFieldBytes { oversized = true; fields.append("") } else {
                    fields.append(decode(buffer[...]))
                }
            } else {
                let fieldStart = i
                while i < n, bytes[i] != delimiter, bytes[i] != Self.lf, bytes[i] != Self.cr { i += 1 }
                if i - fieldStart > maxFieldBytes { oversized = true; fields.append("") } else {
                    fields.append(decode(bytes[fieldStart..<i]))
                }
            }
            if i < n, bytes[i] == delimiter {
                i += 1
                if i == n { fields.append("") }
                continue
            }
            if i < n {
                i += (bytes[i] == Self.cr && i + 1 < n && bytes[i + 1] == Self.lf) ? 2 : 1
                line += 1
            }
            let width = fields.count
            finish(&fields, line: recordLine, oversized: oversized)
            fields.reserveCapacity(width)
            oversized = false
            recordLine = line
        }
        if !fields.isEmpty { finish(&fields, line: recordLine, oversized: oversized) }
    }

    private mutating func finish(_ fields: inout [String], line: Int, oversized: Bool) {
        defer { fields = [] }
        if oversized {
            issues.append(ImportIssue(
                line: line, reason: "field longer than \(maxFieldBytes) bytes (row skipped)", effect: .rowSkipped))
            return
        }
        if fields.allSatisfy({ HistoricalCSV.trim($0).isEmpty }) { return }
        records.append(HistoricalCSV.Record(line: line, fields: fields))
    }

    private func decode(_ slice: ArraySlice<UInt8>) -> String {
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        if let text = String(validating: slice, as: UTF8.self) { return text }
        return fallback.decode(slice)
    }
}
