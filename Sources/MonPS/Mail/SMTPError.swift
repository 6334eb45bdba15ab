/// Why a message was not delivered to the SMTP server. Descriptions name the host, the stage and the server's reply,
/// never the password (nor the message body).
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// TCP connection refused, unreachable, or the name did not resolve.
    case connectionFailed(host: String, port: Int, reason: String)
    /// No reply within the timeout (`stage`: connect, greeting, EHLO, DATA, …).
    case timedOut(stage: String)
    /// The server closed the connection during `stage`.
    case connectionClosed(stage: String)
    /// The TLS handshake failed (certificate not trusted, wrong host name, protocol…).
    case tlsFailed(reason: String)
    /// `tls=require` but the server does not offer STARTTLS.
    case tlsUnavailable
    /// Credentials are configured but would go unencrypted (the server offered no STARTTLS), or the server offers no
    /// mechanism we speak (PLAIN, LOGIN).
    case authenticationUnavailable(reason: String)
    /// The server refused the credentials (535…).
    case authenticationFailed(SMTPReply)
    /// The server refused a recipient at RCPT TO.
    case recipientRefused(address: String, reply: SMTPReply)
    /// Any other negative reply, at `stage`.
    case rejected(stage: String, reply: SMTPReply)
    /// The server sent something that is not an SMTP reply.
    case protocolViolation(stage: String)

    public var description: String {
        switch self {
        case .connectionFailed(let host, let port, let reason): "cannot connect to the SMTP server \(host):\(port): \(reason)"
        case .timedOut(let stage): "the SMTP server did not answer in time (\(stage))"
        case .connectionClosed(let stage): "the SMTP server closed the connection (\(stage))"
        case .tlsFailed(let reason): "TLS with the SMTP server failed: \(reason)"
        case .tlsUnavailable: "the SMTP server does not offer STARTTLS and tls=require is set"
        case .authenticationUnavailable(let reason): "cannot authenticate to the SMTP server: \(reason)"
        case .authenticationFailed(let reply): "the SMTP server refused the credentials: \(reply)"
        case .recipientRefused(let address, let reply): "the SMTP server refused the recipient \(address): \(reply)"
        case .rejected(let stage, let reply): "the SMTP server refused \(stage): \(reply)"
        case .protocolViolation(let stage): "the SMTP server sent an invalid reply (\(stage))"
        }
    }

    /// Worth trying again later: network trouble, timeouts and 4xx replies. Refused credentials, TLS failures and
    /// 5xx replies will fail the same way until someone changes something.
    public var isTransient: Bool {
        switch self {
        case .connectionFailed, .timedOut, .connectionClosed: true
        case .authenticationFailed(let reply), .recipientRefused(_, let reply), .rejected(_, let reply): reply.isTransient
        case .tlsFailed, .tlsUnavailable, .authenticationUnavailable, .protocolViolation: false
        }
    }
}
