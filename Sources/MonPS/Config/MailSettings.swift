import Foundation

/// Outgoing mail (password reset, email verification) and the public address its links point to.
public struct MailSettings: Sendable, Equatable {
    /// `MONPS_SMTP_URL`; nil: no mail is sent (reset and verification requests are answered and logged as not sent).
    public var smtp: SMTPURL?
    /// `MONPS_MAIL_FROM`, required with `smtp`.
    public var from: MailAddress?
    public var timeout: Duration = .seconds(30)
    /// Extra trusted certificates (PEM) for the SMTP server's TLS: a private CA or a test server's own certificate.
    public var trustedCertificateFile: String?
    /// The web app's address as users reach it (`MONPS_PUBLIC_URL`), without a trailing slash; links in mail start here.
    /// Unset: `http://MONPS_HOST:MONPS_PORT`.
    public var publicURL: String?
    /// Whether new accounts must confirm their address before signing in, unless an admin set it in the platform settings.
    public var emailVerification = false

    public init() {}

    static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        ("MONPS_SMTP_URL", "(unset: no mail)", "smtp://[user:password@]host[:port][?tls=starttls|require|none] (STARTTLS when offered by default; require: refuse without it; none: never) or smtps://… (implicit TLS); credentials are sent only over TLS unless tls=none"),
        ("MONPS_MAIL_FROM", "(required with MONPS_SMTP_URL)", "Sender of MonPS mail: address or `Name <address>`"),
        ("MONPS_SMTP_TIMEOUT", "30", "Seconds to wait for the SMTP server (connect and each reply)"),
        ("MONPS_SMTP_CA_FILE", "(unset)", "PEM certificates trusted for the SMTP server's TLS besides the system's"),
        ("MONPS_PUBLIC_URL", "http://MONPS_HOST:MONPS_PORT", "The web app's public address; links in mail (password reset, verification) start with it"),
        ("MONPS_EMAIL_VERIFICATION", "false", "New accounts confirm their address by mail before they can sign in (admins can change it in the platform settings)"),
    ]

    init(reading reader: ConfigReader) throws(ConfigError) {
        if let raw = reader.value("MONPS_SMTP_URL") {
            do { smtp = try SMTPURL(parsing: raw) } catch { throw ConfigError("MONPS_SMTP_URL", error.reason) }
            guard let fromText = reader.value("MONPS_MAIL_FROM") else {
                throw ConfigError("MONPS_MAIL_FROM", "is required when MONPS_SMTP_URL is set (e.g. MonPS <no-reply@example.com>)")
            }
            do { from = try Self.mailbox(fromText) } catch {
                throw ConfigError("MONPS_MAIL_FROM", "expected an address or Name <address>")
            }
        }
        timeout = .seconds(try reader.integer("MONPS_SMTP_TIMEOUT", default: 30, range: 1...600))
        if let file = reader.value("MONPS_SMTP_CA_FILE") {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigError("MONPS_SMTP_CA_FILE", "no readable file at \(file)")
            }
            trustedCertificateFile = file
        }
        if let url = reader.value("MONPS_PUBLIC_URL") {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
                components.host?.isEmpty == false, components.query == nil, components.fragment == nil
            else { throw ConfigError("MONPS_PUBLIC_URL", "expected an http(s) URL such as https://monps.example.com") }
            publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let raw = reader.value("MONPS_EMAIL_VERIFICATION")?.lowercased() {
            switch raw {
            case "1", "true", "yes", "on": emailVerification = true
            case "0", "false", "no", "off": emailVerification = false
            default: throw ConfigError("MONPS_EMAIL_VERIFICATION", "expected true or false, got \"\(raw)\"")
            }
        }
    }

    /// `address` or `Name <address>`.
    static func mailbox(_ text: String) throws(MailMessageError) -> MailAddress {
        guard let open = text.lastIndex(of: "<"), text.hasSuffix(">") else { return try MailAddress(text) }
        let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        let name = text[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return try MailAddress(address, name: name.isEmpty ? nil : name)
    }
}
