import Foundation

/// Where and how to reach the SMTP server: `MONPS_SMTP_URL`.
///
///     smtp://[user:password@]host[:port][?tls=starttls|require|none]    (port 587 by default)
///     smtps://[user:password@]host[:port]                              (implicit TLS, port 465 by default)
///
/// `smtp://` modes: `starttls` (default) upgrades with STARTTLS when the server offers it and goes on in clear text
/// otherwise, but then never sends credentials; `require` refuses to send unless STARTTLS succeeds; `none` never
/// upgrades (a local relay on loopback), and only then are credentials sent unencrypted. User and password are
/// percent-decoded. The password never appears in `description` nor in any error.
public struct SMTPURL: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable, Equatable {
        /// TLS from the first byte (`smtps://`).
        case implicitTLS = "tls"
        /// STARTTLS when offered; clear text (and no AUTH) otherwise.
        case startTLSIfOffered = "starttls"
        /// STARTTLS or no delivery.
        case startTLSRequired = "require"
        /// Never encrypted.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public var credentials: (username: String, password: String)? {
        guard let username, let password else { return nil }
        return (username, password)
    }

    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0):***@" } ?? ""
        let query = security == .implicitTLS || security == .startTLSIfOffered ? "" : "?tls=\(security.rawValue)"
        return "\(scheme)://\(user)\(host):\(port)\(query)"
    }

    public static func == (lhs: SMTPURL, rhs: SMTPURL) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.security == rhs.security && lhs.username == rhs.username
            && lhs.password == rhs.password
    }

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// Parses `text`; the error's reason never repeats the URL (it may hold a password).
    public init(parsing text: String) throws(SMTPURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SMTPURLError("expected smtp://[user:password@]host[:port][?tls=starttls|require|none] or smtps://…")
        }
        guard let host = components.host, !host.isEmpty else { throw SMTPURLError("the URL has no host") }
        guard components.path.isEmpty || components.path == "/" else { throw SMTPURLError("the URL must not have a path") }
        let tls = components.queryItems?.first { $0.name == "tls" }?.value?.lowercased()
        if let unknown = components.queryItems?.first(where: { $0.name != "tls" }) {
            throw SMTPURLError("unknown option '\(unknown.name)' (only tls=starttls|require|none)")
        }
        switch scheme {
        case "smtps":
            guard tls == nil || tls == "tls" else { throw SMTPURLError("smtps:// is always TLS: drop the tls option") }
            security = .implicitTLS
        case "smtp":
            switch tls {
            case nil, "starttls": security = .startTLSIfOffered
            case "require": security = .startTLSRequired
            case "none": security = .none
            default: throw SMTPURLError("tls must be starttls, require or none")
            }
        default:
            throw SMTPURLError("the scheme must be smtp or smtps")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw SMTPURLError("the port must be 1–65535") }
        username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        guard (username == nil) == (password == nil) else {
            throw SMTPURLError("give both user and password, or neither")
        }
    }
}

/// Why `MONPS_SMTP_URL` was refused (never quotes the URL, which may carry the password).
public struct SMTPURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
