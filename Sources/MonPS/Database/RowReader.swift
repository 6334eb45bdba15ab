import PostgresNIO

/// Reads a row's columns by name, so a reordered select list cannot shift values into the wrong fields.
///
/// The cells are looked up by a walk over the row's few columns rather than through PostgresNIO's random-access row,
/// which builds a dictionary of the names for every row read.
struct RowReader {
    private let cells: [PostgresCell]

    init(_ row: PostgresRow) { cells = Array(row) }

    func callAsFunction<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        try cell(column).decode(T.self, context: .default)
    }

    /// A text column holding one of an enum's raw values.
    func callAsFunction<T: RawRepresentable>(_ column: String, _ type: T.Type = T.self) throws -> T where T.RawValue == String {
        try T(stored: try cell(column).decode(String.self, context: .default), column: column)
    }

    /// A nullable text column holding one of an enum's raw values.
    func callAsFunction<T: RawRepresentable>(_ column: String, _ type: T?.Type = T?.self) throws -> T? where T.RawValue == String {
        try cell(column).decode(String?.self, context: .default).map { try T(stored: $0, column: column) }
    }

    /// A select list that lost a column is a fault to report, not a crash.
    private func cell(_ column: String) throws -> PostgresCell {
        guard let cell = cells.first(where: { $0.columnName == column }) else {
            throw StorageInvariantError.missingColumn(column)
        }
        return cell
    }
}
