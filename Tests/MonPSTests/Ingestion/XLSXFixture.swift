import Foundation
import ZIPFoundation
@testable import MonPS

/// Writes small `.xlsx` workbooks for the tests (deflated parts, as Excel writes them).
enum XLSXFixture {
    enum Cell {
        /// A string in the shared-string table.
        case shared(String)
        /// An inline string (`t="inlineStr"`).
        case inline(String)
        /// A number cell with this stored text, optionally styled (style 1 = date, 2 = time, 3 = custom dd/mm/yyyy).
        case number(String, style: Int = 0)
        /// A boolean or an error cell.
        case boolean(Bool)
        case error(String)
        /// No `<c>` element at all (Excel omits empty cells).
        case omitted
    }

    /// A workbook whose first sheet has `rows` at the given row numbers.
    static func workbook(_ rows: [(row: Int, cells: [Cell])], date1904: Bool = false, sharedStringsPart: Bool = true) throws -> [UInt8] {
        var shared: [String] = []
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>"#
        for (number, cells) in rows {
            sheet += #"<row r="\#(number)">"#
            for (index, cell) in cells.enumerated() {
                let ref = column(index) + String(number)
                switch cell {
                case .shared(let text):
                    sheet += #"<c r="\#(ref)" t="s"><v>\#(shared.count)</v></c>"#
                    shared.append(text)
                case .inline(let text): sheet += #"<c r="\#(ref)" t="inlineStr"><is><t>\#(escape(text))</t></is></c>"#
                case .number(let text, let style):
                    sheet += #"<c r="\#(ref)"\#(style > 0 ? " s=\"\(style)\"" : "")><v>\#(text)</v></c>"#
                case .boolean(let value): sheet += #"<c r="\#(ref)" t="b"><v>\#(value ? 1 : 0)</v></c>"#
                case .error(let text): sheet += #"<c r="\#(ref)" t="e"><v>\#(escape(text))</v></c>"#
                case .omitted: break
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        var strings = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(shared.count)">"#
        for text in shared { strings += "<si><t xml:space=\"preserve\">\(escape(text))</t></si>" }
        strings += "</sst>"
        let styles = #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>"#
            + #"<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="20"/><xf numFmtId="164"/></cellXfs>"#
            + "</styleSheet>"
        let workbook = #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
            + (date1904 ? #"<workbookPr date1904="1"/>"# : "<workbookPr/>")
            + #"<sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>"#
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/>"#
            + "</Relationships>"
        var parts = [
            ("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels),
            ("xl/styles.xml", styles), ("xl/worksheets/data.xml", sheet),
        ]
        if sharedStringsPart { parts.append(("xl/sharedStrings.xml", strings)) }
        return try zip(parts)
    }

    /// A ZIP of `parts` (deflated).
    static func zip(_ parts: [(String, String)]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return [UInt8](archive.data ?? Data())
    }

    /// The sheet a spreadsheet program would save for a CSV file: every record at its CSV line, empty fields omitted,
    /// numbers as number cells, `dd/mm/yy[yy]` dates as styled day serials, `HH:MM` times as styled fractions, other
    /// text alternately shared and inline.
    static func fromCSV(_ bytes: [UInt8], fallback: LegacyTextEncoding = .windows1252) throws -> [UInt8] {
        let document = try HistoricalCSV.read(bytes, fallback: fallback)
        var rows: [(row: Int, cells: [Cell])] = [(document.headerLine, document.header.map { .shared($0) })]
        for record in document.records {
            rows.append((record.line, record.fields.enumerated().map { index, field in
                cell(field, index: index)
            }))
        }
        return try workbook(rows)
    }

    static func cell(_ field: String, index: Int) -> Cell {
        let text = field.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .omitted }
        if let day = FootballDataParser.dayFirstDate(text) {
            let serial = ImportClock.daysFromCivil(year: day.year, month: day.month, day: day.day)
                - ImportClock.daysFromCivil(year: 1899, month: 12, day: 30)
            return .number(String(serial), style: index % 2 == 0 ? 1 : 3)
        }
        if let (hour, minute) = ImportClock.clock(text), text.count == 5 {
            return .number(String(Double(hour * 60 + minute) / 1440), style: 2)
        }
        if Double(text) != nil, text.first.map({ $0.isNumber || $0 == "-" || $0 == "." }) == true { return .number(text) }
        return index % 2 == 0 ? .shared(field) : .inline(field)
    }

    /// `0` → `A`, `26` → `AA`.
    static func column(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let rest = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + rest))) + name
            index = (index - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
