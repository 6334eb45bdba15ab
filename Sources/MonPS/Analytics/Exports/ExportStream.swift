import PostgresNIO

/// The body of an export: rows encoded as they arrive from PostgreSQL and handed on in chunks of about 64 KiB.
/// PostgresNIO only reads more rows from the socket as this sequence is consumed, and the HTTP server only consumes
/// it as the client reads, so memory stays constant whatever the number of rows.
struct ExportStream: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>

    enum Format: String, Sendable {
        case csv, json
    }

    let rows: PostgresRowSequence
    /// Written before the first row (the CSV header).
    let prefix: [UInt8]
    let encode: @Sendable (PostgresRow, inout [UInt8]) throws -> Void
    var chunkSize = 64 * 1024

    func makeAsyncIterator() -> Iterator {
        Iterator(rows: rows.makeAsyncIterator(), pending: prefix, encode: encode, chunkSize: chunkSize)
    }

    struct Iterator: AsyncIteratorProtocol {
        var rows: PostgresRowSequence.AsyncIterator
        var pending: [UInt8]
        let encode: @Sendable (PostgresRow, inout [UInt8]) throws -> Void
        let chunkSize: Int
        var finished = false

        mutating func next() async throws -> ArraySlice<UInt8>? {
            while !finished && pending.count < chunkSize {
                guard let row = try await rows.next() else {
                    finished = true
                    break
                }
                try encode(row, &pending)
            }
            guard !pending.isEmpty else { return nil }
            let chunk = ArraySlice(pending)
            pending = []
            pending.reserveCapacity(chunkSize + 4096)
            return chunk
        }
    }

    /// CSV of `columns` (read by name, each a text column of the query), with a header row.
    static func csv(_ rows: PostgresRowSequence, columns: [String]) -> ExportStream {
        var header: [UInt8] = []
        CSVWriter.appendRecord(columns, to: &header)
        return ExportStream(rows: rows, prefix: header) { row, buffer in
            let cells = row.makeRandomAccess()
            CSVWriter.appendRecord(try columns.map { try cells[$0].decode(String?.self, context: .default) }, to: &buffer)
        }
    }

    /// JSON Lines from a query whose `line` column is one JSON object per row (built by PostgreSQL).
    static func jsonLines(_ rows: PostgresRowSequence) -> ExportStream {
        ExportStream(rows: rows, prefix: []) { row, buffer in
            let line = try row.makeRandomAccess()["line"].decode(String.self, context: .default)
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
        }
    }
}
