import Foundation
import MonPSCore
import ZIPFoundation

/// Reads the first worksheet of an `.xlsx` workbook into the same ``HistoricalCSV/Document`` a CSV gives, so the
/// row parsers cannot tell them apart.
///
/// - Cells: shared strings (rich text runs joined, phonetic runs left out), inline strings, formula results, numbers,
///   booleans (`TRUE`/`FALSE`) and errors (`#N/A`, as text: the parsers report them like the same text in a CSV).
///   Omitted (empty) cells become empty fields; a row shorter than the header is padded.
/// - Numbers keep the text Excel stored, except exponents and float noise (`2.1000000000000001`), rewritten as the
///   shortest decimal, and whole values as integers.
/// - A number styled as a date or time (built-in formats 14–22, 27–36, 45–47, 50–58, or a custom format with
///   d/m/y/h/s) is a day serial from 1899-12-30 (1904-01-01 in a 1904 workbook): written `dd/mm/yyyy`, `HH:MM`, or
///   both, as the publishers' CSV exports write them.
/// - Line numbers are the sheet's row numbers (`<row r="…">`), as the user sees them in Excel.
/// - Limits: every part read is capped at ``maxPartBytes`` uncompressed (a ZIP bomb is an error, not an OOM).
enum XLSXReader {
    static let maxPartBytes = 512 << 20

    static func read(_ bytes: [UInt8]) throws(ImportFileError) -> HistoricalCSV.Document {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw ImportFileError("not a readable .xlsx file: the ZIP archive is damaged (\(error))")
        }
        guard let workbook = try part("xl/workbook.xml", in: archive) else {
            throw ImportFileError("a ZIP archive without xl/workbook.xml: not an .xlsx workbook")
        }
        let book = Workbook(workbook)
        let sheetPath = book.firstSheetRelationship
            .flatMap { id in try? part("xl/_rels/workbook.xml.rels", in: archive).flatMap { relationshipTarget(id, in: $0) } }
            ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try part(sheetPath, in: archive) else {
            throw ImportFileError("the .xlsx workbook has no first worksheet (\(sheetPath) is missing)")
        }
        let strings = try part("xl/sharedStrings.xml", in: archive).map(sharedStrings) ?? []
        let styles = try part("xl/styles.xml", in: archive).map(XLSXStyles.init) ?? XLSXStyles()
        var reader = XLSXSheetReader(strings: strings, styles: styles, date1904: book.date1904)
        let rows = reader.rows(sheet)
        guard let headerIndex = rows.firstIndex(where: { !$0.fields.allSatisfy { HistoricalCSV.trim($0).isEmpty } }) else {
            throw ImportFileError("empty file: no header row (the first worksheet is empty)")
        }
        let header = rows[headerIndex].fields.map(HistoricalCSV.trim)
        var records: [HistoricalCSV.Record] = []
        records.reserveCapacity(rows.count - headerIndex)
        for var row in rows[(headerIndex + 1)...] {
            if row.fields.allSatisfy({ HistoricalCSV.trim($0).isEmpty }) { continue }
            if row.fields.count < header.count {
                row.fields.append(contentsOf: repeatElement("", count: header.count - row.fields.count))
            }
            records.append(row)
        }
        return HistoricalCSV.Document(
            header: header, headerLine: rows[headerIndex].line, records: records, delimiter: UInt8(ascii: ","),
            issues: reader.issues)
    }

    /// The uncompressed bytes of `path`, `nil` when the archive has no such entry.
    static func part(_ path: String, in archive: Archive) throws(ImportFileError) -> [UInt8]? {
        guard let entry = archive[path] ?? archive["/" + path] else { return nil }
        guard entry.uncompressedSize <= UInt64(maxPartBytes) else {
            throw ImportFileError("\(path) in the .xlsx file is larger than \(maxPartBytes >> 20) MiB uncompressed")
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                // The declared size may lie: count what really comes out.
                guard out.count + chunk.count <= maxPartBytes else { throw PartTooLarge() }
                out.append(contentsOf: chunk)
            }
        } catch is PartTooLarge {
            throw ImportFileError("\(path) in the .xlsx file is larger than \(maxPartBytes >> 20) MiB uncompressed")
        } catch {
            throw ImportFileError("not a readable .xlsx file: \(path) cannot be decompressed (\(error))")
        }
        return out
    }

    private struct PartTooLarge: Error {}

    /// The first `<sheet>` of the workbook and whether it counts days from 1904.
    struct Workbook {
        var firstSheetRelationship: String?
        var date1904 = false

        init(_ bytes: [UInt8]) {
            var scanner = XLSXMarkup(bytes)
            while let token = scanner.next() {
                guard case .tag(let tag) = token, !tag.closing else { continue }
                if tag.named("workbookPr") {
                    date1904 = ["1", "true"].contains(tag.attribute("date1904")?.lowercased() ?? "")
                } else if tag.named("sheet") {
                    firstSheetRelationship = tag.attribute("id")
                    return
                }
            }
        }
    }

    /// `xl/…` path of relationship `id` (targets are relative to `xl/`, or absolute from the package root).
    static func relationshipTarget(_ id: String, in rels: [UInt8]) -> String? {
        var scanner = XLSXMarkup(rels)
        while let token = scanner.next() {
            guard case .tag(let tag) = token, tag.named("Relationship"), tag.attribute("Id") == id,
                  let target = tag.attribute("Target") else { continue }
            return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        return nil
    }

    /// The shared-string table: each `<si>`'s `<t>` texts joined, phonetic (`<rPh>`) runs left out.
    static func sharedStrings(_ bytes: [UInt8]) -> [String] {
        var strings: [String] = []
        var scanner = XLSXMarkup(bytes)
        var current = ""
        var inPhonetic = false
        var inText = false
        while let token = scanner.next() {
            switch token {
            case .tag(let tag):
                if tag.named("si") {
                    if tag.closing { strings.append(current) } else if tag.selfClosing { strings.append("") }
                    current = ""
                } else if tag.named("rPh") {
                    inPhonetic = !tag.closing && !tag.selfClosing
                } else if tag.named("t") {
                    inText = !tag.closing && !tag.selfClosing
                }
            case .text(let raw):
                if inText && !inPhonetic { current += XMLText.decode(raw) }
            }
        }
        return strings
    }
}

/// Which cell styles are dates or times (`cellXfs` order = the `s` attribute of a cell).
struct XLSXStyles {
    enum Kind { case date, time, dateTime }
    private(set) var kinds: [XLSXStyles.Kind?] = []

    init() {}

    init(_ bytes: [UInt8]) {
        var custom: [Int: Kind?] = [:]
        var inCellXfs = false
        var scanner = XLSXMarkup(bytes)
        while let token = scanner.next() {
            guard case .tag(let tag) = token else { continue }
            if tag.named("numFmt"), !tag.closing, let id = tag.attribute("numFmtId").flatMap(Int.init) {
                custom[id] = Self.kind(formatCode: tag.attribute("formatCode") ?? "")
            } else if tag.named("cellXfs") {
                inCellXfs = !tag.closing && !tag.selfClosing
            } else if inCellXfs, tag.named("xf"), !tag.closing {
                let id = tag.attribute("numFmtId").flatMap(Int.init) ?? 0
                kinds.append(custom[id] ?? Self.builtIn(id))
            }
        }
    }

    func kind(ofStyle index: Int) -> Kind? { index >= 0 && index < kinds.count ? kinds[index] : nil }

    static func builtIn(_ id: Int) -> Kind? {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: .date
        case 18...21, 32, 33, 45...47: .time
        case 22: .dateTime
        default: nil
        }
    }

    /// A custom format's kind: quoted text, `[…]` sections (colours, locales; `[h]` counts) and escapes ignored.
    static func kind(formatCode: String) -> Kind? {
        var hasDate = false, hasTime = false, hasM = false
        var quoted = false, bracket = false, escaped = false
        for character in formatCode.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            default:
                guard !quoted else { continue }
                if bracket { if character == "h" || character == "s" { hasTime = true }; continue }
                if character == "d" || character == "y" { hasDate = true }
                if character == "h" || character == "s" { hasTime = true }
                if character == "m" { hasM = true }  // month, or minutes next to h/s
            }
        }
        if hasM && !hasTime { hasDate = true }
        if hasDate && hasTime { return .dateTime }
        return hasDate ? .date : (hasTime ? .time : nil)
    }
}
