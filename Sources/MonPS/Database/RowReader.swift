import PostgresNIO

/// Reads the columns of a wide row by name (`SELECT … AS name` where an expression or a join would leave one
/// ambiguous), so a reordered select list cannot shift values into the wrong fields.
struct RowReader {
    let columns: PostgresRandomAccessRow

    init(_ row: PostgresRow) { columns = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        try cell(column).decode(T.self, context: .default)
    }

    /// A text column holding one of an enum's raw values.
    func callAsFunction<T: RawRepresentable>(_ column: String, _ type: T.Type = T.self) throws -> T where T.RawValue == String {
        try T(stored: try cell(column).decode(String.self, context: .default), column: column)
    }

    func callAsFunction<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
        try columns[index].decode(T.self, context: .default)
    }

    /// PostgresNIO traps on an unknown name; a select list that lost a column is a fault to report, not a crash.
    private func cell(_ column: String) throws -> PostgresCell {
        guard columns.contains(column) else { throw StorageInvariantError.missingColumn(column) }
        return columns[column]
    }
}
