import PostgresNIO

/// Reads a column of a random-access row (helper for wide rows).
struct RowReader {
    let columns: PostgresRandomAccessRow

    init(_ row: PostgresRow) { columns = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
        try columns[index].decode(T.self, context: .default)
    }

    /// A text column holding one of an enum's raw values; another value is a broken invariant of the schema.
    func callAsFunction<T: RawRepresentable>(_ index: Int, column: String) throws -> T where T.RawValue == String {
        let raw = try columns[index].decode(String.self, context: .default)
        guard let value = T(rawValue: raw) else { throw StorageInvariantError.unknownValue(column: column, value: raw) }
        return value
    }
}
