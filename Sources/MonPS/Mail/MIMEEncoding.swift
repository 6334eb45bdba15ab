import Foundation

/// The byte-level encodings of an email (no I/O): quoted-printable bodies, RFC 2047 encoded words, RFC 5322 dates,
/// and the SMTP transparency rule (dot-stuffing).
enum MIMEEncoding {
    /// Lines as CRLF, whatever the input used (a bare CR or LF in a message is not allowed by RFC 5322).
    static func crlfLines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// RFC 2045 §6.7 quoted-printable of `text` as UTF-8: lines of at most 76 characters (soft breaks `=`), `=` and
    /// non-ASCII as `=XX`, trailing spaces and tabs encoded, hard line breaks kept as CRLF. A line starting with `.`
    /// has it encoded too, so the body survives relays that do not undo dot-stuffing well.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        let lines = crlfLines(text).components(separatedBy: "\r\n")
        for (index, line) in lines.enumerated() {
            if index > 0 { out += [13, 10] }
            let bytes = Array(line.utf8)
            var width = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let plain =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 32 || byte == 9) && !isLast)
                let dotAtStart = byte == UInt8(ascii: ".") && width == 0
                let encoded: [UInt8] =
                    plain && !dotAtStart ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // Soft break so no line exceeds 76 characters, the `=` included.
                if width + encoded.count > 75 {
                    out += [UInt8(ascii: "="), 13, 10]
                    width = 0
                    if encoded == [UInt8(ascii: ".")] {
                        out += Array("=2E".utf8)
                        width = 3
                        continue
                    }
                }
                out += encoded
                width += encoded.count
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A header value: as is when printable ASCII, else RFC 2047 `=?UTF-8?B?…?=` words (each ≤ 75 characters,
    /// split between characters, never inside one), separated by folding whitespace.
    static func headerText(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) { return value }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 45 bytes of UTF-8 → 60 base64 characters + 12 of `=?UTF-8?B??=` = 72.
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// `Name <address>`, the name quoted or encoded as needed.
    static func mailbox(_ address: MailAddress) -> String {
        guard let name = address.name else { return "<\(address.address)>" }
        let printable = name.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
        let shown =
            printable
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : headerText(name)
        return "\(shown) <\(address.address)>"
    }

    /// RFC 5322 date-time in UTC: `Tue, 03 Mar 2026 09:05:00 +0000` (no locale, no ICU formatter).
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// RFC 5321 §4.5.2: every line of DATA that starts with `.` gets one more, and the data ends with CRLF so the
    /// terminating `.` line can follow. Input lines are normalised to CRLF first.
    static func dotStuffed(_ message: String) -> String {
        var lines = crlfLines(message).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }
}
