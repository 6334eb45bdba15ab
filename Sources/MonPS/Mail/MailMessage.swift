import Foundation

/// An email address with an optional display name (`"Ann Example" <ann@example.com>`).
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var address: String
    public var name: String?

    /// Refuses what could break the SMTP envelope or the header (CR, LF, angle brackets, no `@`).
    public init(_ address: String, name: String? = nil) throws(MailMessageError) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@"), at != trimmed.startIndex, trimmed.index(after: at) != trimmed.endIndex,
            trimmed.utf8.count <= 254,
            !trimmed.contains(where: { $0.isWhitespace || $0.isNewline || "<>\"(),;\\".contains($0) })
        else { throw MailMessageError.invalidAddress }
        self.address = trimmed
        self.name = name.map { $0.filter { !$0.isNewline } }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { address }
}

/// One email, as a `MailSender` takes it: both bodies, and optional extra headers (`List-Unsubscribe`, …).
///
/// The sender adds `Date`, `Message-ID`, `MIME-Version` and the MIME structure (multipart/alternative, UTF-8,
/// quoted-printable); non-ASCII subjects and names are RFC 2047 encoded.
public struct MailMessage: Sendable, Equatable {
    public var to: [MailAddress]
    public var subject: String
    public var text: String
    public var html: String
    /// Extra header fields, in order. Names must be plain header names; values must not contain line breaks
    /// (`MIMEMessage` refuses them rather than let a value inject headers).
    public var headers: [(name: String, value: String)]

    public init(to: [MailAddress], subject: String, text: String, html: String, headers: [(name: String, value: String)] = []) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.headers = headers
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool {
        lhs.to == rhs.to && lhs.subject == rhs.subject && lhs.text == rhs.text && lhs.html == rhs.html
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// A message that cannot be written as a valid email.
public enum MailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress
    case noRecipient
    case invalidHeader(String)

    public var description: String {
        switch self {
        case .invalidAddress: "not a valid email address"
        case .noRecipient: "the message has no recipient"
        case .invalidHeader(let name): "header \(name.prefix(64)) has an invalid name or a line break in its value"
        }
    }
}

/// What the rest of MonPS uses to send email. `SMTPMailSender` is the implementation; tests may substitute one.
///
/// `send` returns once the server accepted the message for every recipient (250 after DATA); it throws
/// `SMTPError` (connection refused, timeout, TLS, authentication, a refused recipient with the server's reply…) or
/// `MailMessageError` otherwise. It never retries: a caller that wants retries (the notification delivery worker)
/// decides when, using `SMTPError.isTransient`.
public protocol MailSender: Sendable {
    func send(_ message: MailMessage) async throws
}
