import MonPSCore

/// The table behind an import file, whatever its container: delimited text, an `.xlsx` workbook (its first sheet),
/// or a clear refusal for the old binary `.xls`. Every parser reads through here, so a workbook's rows meet the same
/// row parsers, per-row issues and `--strict` as the CSV export of the same sheet.
enum HistoricalTable {
    enum Container: Equatable {
        case text
        case xlsx
        case binaryExcel
    }

    /// Sniffs the container from the first bytes (the name is not trusted: uploads carry any name).
    static func container(of bytes: [UInt8]) -> Container {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .xlsx }  // "PK\3\4": a ZIP archive
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .binaryExcel }  // OLE2
        return .text
    }

    static let binaryExcelAdvice =
        "an old binary Excel file (.xls, or a password-protected workbook): MonPS reads .xlsx and CSV. "
        + "Open it in Excel or LibreOffice and save it as .xlsx or CSV "
        + "(or run: libreoffice --headless --convert-to xlsx FILE.xls)"

    /// Reads `bytes` as a table.
    /// - Throws: ``ImportFileError`` for an empty, binary or unreadable file.
    static func read(_ bytes: [UInt8], fallback: LegacyTextEncoding) throws(ImportFileError) -> HistoricalCSV.Document {
        switch container(of: bytes) {
        case .text: return try HistoricalCSV.read(bytes, fallback: fallback)
        case .xlsx: return try XLSXReader.read(bytes)
        case .binaryExcel: throw ImportFileError(binaryExcelAdvice)
        }
    }
}
