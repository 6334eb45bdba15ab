import Foundation
import NIOCore

/// Builds the body of a PostgreSQL `COPY … FROM STDIN (FORMAT text)`: tab-separated columns, `\N` for NULL,
/// backslash escapes for the characters the format reserves. Rows go into one growing buffer that the
/// caller flushes in chunks, so a whole file never has to exist twice in memory.
struct CopyTextEncoder {
    private(set) var buffer: ByteBuffer
    private var columnInRow = 0

    init(capacity: Int = 1 << 16) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var readableBytes: Int { buffer.readableBytes }

    /// Hands out the encoded rows so far and starts a new buffer.
    mutating func take() -> ByteBuffer {
        let full = buffer
        buffer = ByteBufferAllocator().buffer(capacity: max(1 << 16, full.readableBytes))
        return full
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        columnInRow = 0
    }

    /// Starts a run of columns that will be copied into rows later (see `PricePlan`): no separator before its
    /// first column, no row end after its last.
    mutating func beginFragment() {
        columnInRow = 0
    }

    /// Columns encoded earlier as a fragment, written as they are.
    mutating func encoded(_ fragment: UnsafeRawBufferPointer) {
        separate()
        buffer.writeBytes(fragment)
    }

    private mutating func separate() {
        if columnInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        columnInRow += 1
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("\\N")
    }

    mutating func text(_ value: String?) {
        guard let value else { return null() }
        separate()
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case 0: continue  // PostgreSQL text cannot hold NUL
            default: buffer.writeInteger(byte)
            }
        }
    }

    mutating func int(_ value: Int?) {
        guard let value else { return null() }
        separate()
        writeDecimal(value)
    }

    /// Digits of `value` without an intermediate `String` (this runs several times per price).
    private mutating func writeDecimal(_ value: Int) {
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { bytes in
            repeat {
                bytes[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(20 - count)...]))
        }
    }

    /// Shortest round-trip decimal form, so PostgreSQL's float8 gets exactly the same value.
    mutating func double(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        separate()
        buffer.writeString(value.description)
    }

    mutating func bool(_ value: Bool) {
        separate()
        buffer.writeInteger(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]+00`, written without a date formatter (this runs per price). Prices of
    /// one event share a few instants, so the last one formatted is reused.
    mutating func timestamp(_ date: Date) {
        separate()
        if date == lastTimestamp.date {
            buffer.writeBytes(lastTimestamp.bytes)
            return
        }
        let start = buffer.writerIndex
        let interval = date.timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var fraction = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if fraction >= 1_000_000 {
            seconds += 1
            fraction -= 1_000_000
        }
        let (days, secondOfDay) = UTCCalendar.split(epochSeconds: seconds)
        let (year, month, day) = UTCCalendar.civil(fromDays: days)
        pad(year, 4); buffer.writeInteger(UInt8(ascii: "-"))
        pad(month, 2); buffer.writeInteger(UInt8(ascii: "-"))
        pad(day, 2); buffer.writeInteger(UInt8(ascii: " "))
        pad(secondOfDay / 3600, 2); buffer.writeInteger(UInt8(ascii: ":"))
        pad(secondOfDay / 60 % 60, 2); buffer.writeInteger(UInt8(ascii: ":"))
        pad(secondOfDay % 60, 2)
        if fraction > 0 {
            buffer.writeInteger(UInt8(ascii: "."))
            pad(fraction, 6)
        }
        buffer.writeStaticString("+00")
        lastTimestamp = (date, Array(buffer.getBytes(at: start, length: buffer.writerIndex - start) ?? []))
    }

    private var lastTimestamp: (date: Date, bytes: [UInt8]) = (Date.distantPast, [])

    /// `value` in exactly `width` digits (zero-padded), written in place.
    private mutating func pad(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = max(0, value)
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
