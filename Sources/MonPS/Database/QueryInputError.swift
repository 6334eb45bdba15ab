/// A query the repositories refuse to run as asked: a cursor they did not issue, a page size out of range.
/// Thrown below the handlers; `QueryInputError+HTTP` turns it into a 400 naming the parameter.
struct QueryInputError: Error, Equatable, CustomStringConvertible {
    var parameter: String
    var message: String

    static let foreignCursor = QueryInputError(parameter: "cursor", message: "is not a cursor returned by this API")

    var description: String { "\(parameter): \(message)" }
}

/// A statement that must return a row (an INSERT … RETURNING) returned none.
struct MissingRowError: Error, CustomStringConvertible {
    var statement: String
    var description: String { "no row returned by \(statement)" }
}
