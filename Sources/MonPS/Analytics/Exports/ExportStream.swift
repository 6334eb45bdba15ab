import NIOCore
import PostgresNIO

/// The formats of an export.
enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 with a header row.
    case csv
    /// One JSON array of objects (a valid JSON document), `application/json`.
    case json
    /// JSON Lines: one object per line, `application/x-ndjson`.
    case ndjson

    var fileExtension: String { rawValue }
}

/// The body of an export: rows fetched from an `ExportCursor` in batches and encoded straight from PostgreSQL's row
/// buffers into chunks of about 64 KiB (no `String` per cell). The next batch is only fetched as the body is
/// consumed, and the HTTP server only consumes it as the client reads, so memory stays constant whatever the number
/// of rows. The cursor's connection is given back when the stream ends, fails, or is dropped unread.
struct ExportStream: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let cursor: ExportCursor
    /// The first batch, fetched before the response starts so that a failing query is a problem response.
    let firstBatch: [PostgresRow]
    let encoder: ExportRowEncoder
    var chunkSize = 64 * 1024

    /// Opens the cursor over `query` (columns as `ExportRowEncoder` expects for `format`) and fetches its first batch.
    static func open(
        _ database: Database, query: PostgresQuery, encoder: ExportRowEncoder, batchSize: Int = 2_000
    ) async throws -> ExportStream {
        let cursor = try await ExportCursor.open(database, query: query, batchSize: batchSize)
        let first = try await cursor.fetch()
        return ExportStream(cursor: cursor, firstBatch: first, encoder: encoder)
    }

    func makeAsyncIterator() -> Iterator {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(chunkSize + 16 * 1024)
        encoder.start(&buffer)
        return Iterator(
            cursor: cursor, rows: firstBatch, exhausted: firstBatch.count < cursor.batchSize, encoder: encoder,
            buffer: buffer, chunkSize: chunkSize)
    }

    struct Iterator: AsyncIteratorProtocol {
        let cursor: ExportCursor
        var rows: [PostgresRow]
        var index = 0
        /// The last fetch returned fewer rows than asked: nothing is left on the server.
        var exhausted: Bool
        var encoder: ExportRowEncoder
        var buffer: ByteBuffer
        let chunkSize: Int
        var finished = false

        init(cursor: ExportCursor, rows: [PostgresRow], exhausted: Bool, encoder: ExportRowEncoder, buffer: ByteBuffer, chunkSize: Int) {
            self.cursor = cursor
            self.rows = rows
            self.exhausted = exhausted
            self.encoder = encoder
            self.buffer = buffer
            self.chunkSize = chunkSize
        }

        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            do {
                while buffer.readableBytes < chunkSize {
                    if index < rows.count {
                        encoder.encode(rows[index], into: &buffer)
                        index += 1
                    } else if exhausted {
                        encoder.finish(&buffer)
                        finished = true
                        cursor.close()
                        break
                    } else {
                        rows = []  // frees the last batch before the next arrives
                        rows = try await cursor.fetch()
                        index = 0
                        exhausted = rows.count < cursor.batchSize
                    }
                }
            } catch {
                finished = true
                cursor.close()
                throw error
            }
            guard buffer.readableBytes > 0 else { return nil }
            let chunk = buffer
            buffer = ByteBuffer()
            if !finished { buffer.reserveCapacity(chunkSize + 16 * 1024) }
            return chunk
        }
    }

    /// The chunks as `HTTPBody` takes them.
    var arraySlices: ArraySlices { ArraySlices(base: self) }

    struct ArraySlices: AsyncSequence, Sendable {
        typealias Element = ArraySlice<UInt8>
        let base: ExportStream

        func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }

        struct Iterator: AsyncIteratorProtocol {
            var base: ExportStream.Iterator
            mutating func next() async throws -> ArraySlice<UInt8>? {
                try await base.next().map { ArraySlice($0.readableBytesView) }
            }
        }
    }
}

/// Writes an export's rows. CSV: every column of the query is a text cell (written as the CSV writer says), after a
/// header of `columns`. JSON and JSON Lines: the query's one column is the row's JSON object as text.
struct ExportRowEncoder: Sendable {
    let format: ExportFormat
    /// The CSV header's names (unused for JSON).
    let columns: [String]
    private var rows = 0

    init(format: ExportFormat, columns: [String]) {
        self.format = format
        self.columns = columns
    }

    func start(_ out: inout ByteBuffer) {
        switch format {
        case .csv:
            var header: [UInt8] = []
            CSVWriter.appendRecord(columns, to: &header)
            out.writeBytes(header)
        case .json:
            out.writeStaticString("[")
        case .ndjson:
            break
        }
    }

    mutating func encode(_ row: PostgresRow, into out: inout ByteBuffer) {
        switch format {
        case .csv:
            var first = true
            for cell in row {
                if !first { out.writeInteger(UInt8(ascii: ",")) }
                first = false
                if let bytes = cell.bytes {
                    bytes.withUnsafeReadableBytes { CSVWriter.appendField($0, to: &out) }
                }
            }
            out.writeStaticString("\r\n")
        case .json:
            out.writeStaticString(rows == 0 ? "\n" : ",\n")
            Self.writeOnlyCell(row, to: &out)
        case .ndjson:
            Self.writeOnlyCell(row, to: &out)
            out.writeStaticString("\n")
        }
        rows += 1
    }

    func finish(_ out: inout ByteBuffer) {
        if format == .json { out.writeStaticString(rows == 0 ? "]\n" : "\n]\n") }
    }

    private static func writeOnlyCell(_ row: PostgresRow, to out: inout ByteBuffer) {
        for cell in row {
            if let bytes = cell.bytes { out.writeImmutableBuffer(bytes) } else { out.writeStaticString("null") }
            return
        }
    }
}
