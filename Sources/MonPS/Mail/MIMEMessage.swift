import Foundation

/// Writes a `MailMessage` as an RFC 5322 / MIME document: multipart/alternative with a text/plain and a text/html
/// part (UTF-8, quoted-printable), CRLF line ends. No I/O: the SMTP session sends what this returns.
enum MIMEMessage {
    /// Header names an extra header may not use: the builder writes these itself.
    static let reservedHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding",
    ]

    /// - Parameters:
    ///   - messageID: without angle brackets, e.g. `<random>@monps.example`.
    ///   - boundary: a token that cannot occur in quoted-printable output (it contains `=_`, which QP never emits).
    static func render(
        _ message: MailMessage, from: MailAddress, date: Date, messageID: String, boundary: String
    ) throws(MailMessageError) -> String {
        guard !message.to.isEmpty else { throw MailMessageError.noRecipient }
        var lines: [String] = []
        lines.append("From: " + MIMEEncoding.mailbox(from))
        lines.append("To: " + message.to.map(MIMEEncoding.mailbox).joined(separator: ",\r\n "))
        lines.append("Subject: " + MIMEEncoding.headerText(message.subject.filter { !$0.isNewline }))
        lines.append("Date: " + MIMEEncoding.date(date))
        lines.append("Message-ID: <\(messageID)>")
        for header in message.headers {
            guard Self.isHeaderName(header.name), !Self.reservedHeaders.contains(header.name.lowercased()),
                !header.value.contains(where: { $0.isNewline })
            else { throw MailMessageError.invalidHeader(header.name) }
            lines.append("\(header.name): " + MIMEEncoding.headerText(header.value))
        }
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=UTF-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(MIMEEncoding.quotedPrintable(body))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    /// RFC 5322 field name: printable ASCII except `:`.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }
    }

    /// A fresh random boundary and message id (the id's domain is the sender's).
    static func identifiers(from: MailAddress) -> (messageID: String, boundary: String) {
        let random = (try? CryptoPrimitives.secureRandomBytes(count: 16)).map(Hex.encode) ?? UUID().uuidString
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "monps.invalid"
        return ("\(random)@\(domain)", "=_monps_\(random)")
    }
}
