import MonPSCore

/// The rows of one worksheet part (`<sheetData><row r="…"><c r="B2" t="s" s="3"><v>…</v></c>…`), as records whose
/// fields sit at their column (omitted cells are empty fields). See ``XLSXReader`` for how values are written.
struct XLSXSheetReader {
    let strings: [String]
    let styles: XLSXStyles
    let date1904: Bool
    var issues: [ImportIssue] = []

    init(strings: [String], styles: XLSXStyles, date1904: Bool) {
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
    }

    private enum CellType { case number, shared, inline, formulaString, boolean, error, isoDate }

    mutating func rows(_ sheet: [UInt8]) -> [HistoricalCSV.Record] {
        sheet.withUnsafeBufferPointer { rows(XLSXMarkup($0)) }
    }

    private mutating func rows(_ markup: XLSXMarkup<UnsafeBufferPointer<UInt8>>) -> [HistoricalCSV.Record] {
        var records: [HistoricalCSV.Record] = []
        var scanner = markup
        var inSheetData = false
        var line = 0
        var fields: [String] = []
        var column = 0
        var type = CellType.number
        var style = 0
        var value: String?
        var inValue = false
        var inInlineText = false
        while let token = scanner.next() {
            switch token {
            case .text(let raw):
                if inValue || inInlineText {
                    let text = XMLText.decode(raw)
                    value = value.map { $0 + text } ?? text
                }
            case .tag(let tag):
                if tag.named("sheetData") {
                    inSheetData = !tag.closing && !tag.selfClosing
                    continue
                }
                guard inSheetData else { continue }
                if tag.named("row") {
                    if tag.closing {
                        records.append(HistoricalCSV.Record(line: line, fields: fields))
                        continue
                    }
                    // Rows without `r` follow the previous one.
                    line = tag.attribute("r").flatMap(Int.init) ?? (line + 1)
                    fields = []
                    column = 0
                    if tag.selfClosing { records.append(HistoricalCSV.Record(line: line, fields: [])) }
                } else if tag.named("c") {
                    if tag.closing {
                        place(render(value, type: type, style: style, line: line), at: column, in: &fields)
                        column += 1
                        continue
                    }
                    // One pass over the cell's attributes, on bytes: this runs once per cell of the sheet.
                    type = .number
                    style = 0
                    tag.forEachAttribute { name, raw in
                        guard name.count == 1 else { return }
                        switch name.first {
                        case UInt8(ascii: "r"): if let index = Self.columnIndex(raw) { column = index }
                        case UInt8(ascii: "t"): type = Self.cellType(raw)
                        case UInt8(ascii: "s"): style = Self.integer(raw) ?? 0
                        default: break
                        }
                    }
                    value = nil
                    if tag.selfClosing { column += 1 }  // an empty cell
                } else if tag.named("v") {
                    inValue = !tag.closing && !tag.selfClosing
                } else if tag.named("t") {
                    inInlineText = type == .inline && !tag.closing && !tag.selfClosing
                }
            }
        }
        return records
    }

    private func place(_ text: String, at column: Int, in fields: inout [String]) {
        guard column < 16_384 else { return }  // Excel's last column is XFD
        if column >= fields.count { fields.append(contentsOf: repeatElement("", count: column - fields.count + 1)) }
        fields[column] = text
    }

    private mutating func render(_ raw: String?, type: CellType, style: Int, line: Int) -> String {
        guard let raw else { return "" }
        switch type {
        case .shared:
            guard let index = Int(raw), index >= 0, index < strings.count else {
                issues.append(ImportIssue(
                    line: line, reason: "shared string \(PriceCollector.clip(raw)) is not in the workbook's table (cell left empty)",
                    effect: .warning))
                return ""
            }
            return strings[index]
        case .inline, .formulaString, .error: return raw
        case .boolean: return raw == "1" ? "TRUE" : (raw == "0" ? "FALSE" : raw)
        case .isoDate: return Self.isoDate(raw) ?? raw
        case .number:
            if let kind = styles.kind(ofStyle: style), let serial = Double(raw), serial.isFinite,
               let text = Self.serial(serial, kind: kind, date1904: date1904) {
                return text
            }
            return Self.number(raw)
        }
    }

    private static func cellType(_ raw: some Collection<UInt8>) -> CellType {
        switch String(decoding: raw, as: UTF8.self) {
        case "s": .shared
        case "inlineStr": .inline
        case "str": .formulaString
        case "b": .boolean
        case "e": .error
        case "d": .isoDate
        default: .number
        }
    }

    /// A non-negative decimal integer of at most 9 digits, from bytes.
    private static func integer(_ raw: some Collection<UInt8>) -> Int? {
        guard !raw.isEmpty, raw.count <= 9 else { return nil }
        var value = 0
        for byte in raw {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `A` → 0, `Z` → 25, `AA` → 26 from a reference such as `AB12`.
    static func columnIndex(_ reference: String) -> Int? { columnIndex(reference.utf8) }

    static func columnIndex(_ reference: some Collection<UInt8>) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): index = index * 26 + Int(byte - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): index = index * 26 + Int(byte - UInt8(ascii: "a")) + 1
            default:
                return letters > 0 ? index - 1 : nil
            }
            letters += 1
            if letters > 3 { return nil }
        }
        return letters > 0 ? index - 1 : nil
    }

    /// Excel's stored number text, with exponents and binary float noise rewritten.
    static func number(_ raw: String) -> String {
        var digits = 0
        var plain = true
        for byte in raw.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { digits += 1 }
            if byte == UInt8(ascii: "E") || byte == UInt8(ascii: "e") { plain = false }
        }
        if plain && digits <= 15 { return raw }
        guard let value = Double(raw), value.isFinite else { return raw }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A day serial as `dd/mm/yyyy`, `HH:MM` or `dd/mm/yyyy HH:MM` (minutes rounded).
    static func serial(_ serial: Double, kind: XLSXStyles.Kind, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }  // up to 9999-12-31
        let totalMinutes = Int((serial * 1440).rounded())
        let days = totalMinutes / 1440
        let minutes = totalMinutes % 1440
        // Days since 1970-01-01: the 1900 system counts from 1899-12-30 (Excel's fictitious 1900-02-29 included).
        let epochDays = days + (date1904 ? ImportClock.daysFromCivil(year: 1904, month: 1, day: 1)
            : ImportClock.daysFromCivil(year: 1899, month: 12, day: 30))
        let clock = pad(minutes / 60) + ":" + pad(minutes % 60)
        switch kind {
        case .time: return clock
        case .date, .dateTime:
            let (year, month, day) = UTCCalendar.civil(fromDays: epochDays)
            let date = pad(day) + "/" + pad(month) + "/" + String(year)
            return kind == .date ? date : date + " " + clock
        }
    }

    /// `2023-01-02T…` → `02/01/2023`.
    static func isoDate(_ text: String) -> String? {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
              let day = Int(parts[2]), ImportClock.isValid(year: year, month: month, day: day) else { return nil }
        return pad(day) + "/" + pad(month) + "/" + String(year)
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
