import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends mail over SMTP (RFC 5321), one connection per message: greeting, EHLO, STARTTLS (per `SMTPURL.security`),
/// EHLO again, AUTH PLAIN or LOGIN when credentials are configured, MAIL FROM, RCPT TO for each recipient, DATA with
/// the dot-stuffed MIME document, QUIT. Every reply has a deadline (`timeout`); the end of DATA gets twice as long.
public struct SMTPMailSender: MailSender {
    public let url: SMTPURL
    public let from: MailAddress
    let timeout: TimeAmount
    let tls: NIOSSLContext
    let group: any EventLoopGroup
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameter trustedCertificateFile: a PEM file of certificates trusted besides the system's (a private CA, or
    ///   the test sink's self-signed certificate). An unreadable file is an error here, at start-up.
    public init(
        url: SMTPURL, from: MailAddress, timeout: Duration = .seconds(30), trustedCertificateFile: String? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let trustedCertificateFile {
            configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(trustedCertificateFile))]
        }
        self.tls = try NIOSSLContext(configuration: configuration)
        self.url = url
        self.from = from
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.group = group
        self.logger = logger
        self.now = now
    }

    public func send(_ message: MailMessage) async throws {
        let ids = MIMEMessage.identifiers(from: from)
        let document = try MIMEMessage.render(message, from: from, date: now(), messageID: ids.messageID, boundary: ids.boundary)
        let connection = try await SMTPConnection.connect(
            host: url.host, port: url.port, tls: url.security == .implicitTLS ? tls : nil, timeout: timeout, group: group)
        do {
            try await deliver(document, to: message.to, over: connection)
            // The message is accepted; a failed QUIT changes nothing.
            _ = try? await connection.command("QUIT", stage: "QUIT")
            await connection.close()
            logger.info(
                "mail sent", metadata: ["smtp": "\(url.host):\(url.port)", "message_id": "\(ids.messageID)", "recipients": "\(message.to.count)"])
        } catch {
            await connection.close()
            throw error
        }
    }

    private func deliver(_ document: String, to recipients: [MailAddress], over connection: SMTPConnection) async throws(SMTPError) {
        try expect(220, try await connection.reply(stage: "greeting"), stage: "greeting")
        var extensions = try await hello(connection)
        var encrypted = url.security == .implicitTLS
        if !encrypted, url.security != .none {
            if extensions["STARTTLS"] != nil {
                try expect(220, try await connection.command("STARTTLS", stage: "STARTTLS"), stage: "STARTTLS")
                try await connection.startTLS(tls, host: url.host)
                encrypted = true
                extensions = try await hello(connection)  // RFC 3207 §4.2: forget what was learnt in clear text
            } else if url.security == .startTLSRequired {
                throw .tlsUnavailable
            }
        }
        if let credentials = url.credentials {
            guard encrypted || url.security == .none else {
                throw .authenticationUnavailable(reason: "the server offers no STARTTLS; credentials are never sent unencrypted (tls=none allows it)")
            }
            try await authenticate(credentials, mechanisms: extensions["AUTH"] ?? [], over: connection)
        }
        try expect(250, try await connection.command("MAIL FROM:<\(from.address)>", stage: "MAIL FROM"), stage: "MAIL FROM")
        for recipient in recipients {
            let reply = try await connection.command("RCPT TO:<\(recipient.address)>", stage: "RCPT TO")
            guard reply.code == 250 || reply.code == 251 else { throw .recipientRefused(address: recipient.address, reply: reply) }
        }
        try expect(354, try await connection.command("DATA", stage: "DATA"), stage: "DATA")
        let accepted = try await connection.data(
            MIMEEncoding.dotStuffed(document) + ".\r\n", stage: "end of DATA", timeout: timeout * 2)
        try expect(250, accepted, stage: "the message")
    }

    /// EHLO, and its extensions (keyword → parameters).
    private func hello(_ connection: SMTPConnection) async throws(SMTPError) -> [String: [String]] {
        let reply = try await connection.command("EHLO \(Self.clientName)", stage: "EHLO")
        try expect(250, reply, stage: "EHLO")
        return reply.extensions
    }

    /// AUTH PLAIN when offered, else AUTH LOGIN (RFC 4954, 4616). The secrets go base64-encoded inside TLS only.
    private func authenticate(
        _ credentials: (username: String, password: String), mechanisms: [String], over connection: SMTPConnection
    ) async throws(SMTPError) {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        let reply: SMTPReply
        if mechanisms.contains("PLAIN") {
            reply = try await connection.command(
                "AUTH PLAIN " + base64("\0\(credentials.username)\0\(credentials.password)"), stage: "AUTH")
        } else if mechanisms.contains("LOGIN") {
            try expectChallenge(try await connection.command("AUTH LOGIN", stage: "AUTH"))
            try expectChallenge(try await connection.command(base64(credentials.username), stage: "AUTH"))
            reply = try await connection.command(base64(credentials.password), stage: "AUTH")
        } else {
            throw .authenticationUnavailable(reason: "the server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
        guard reply.code == 235 else { throw .authenticationFailed(reply) }
    }

    private func expectChallenge(_ reply: SMTPReply) throws(SMTPError) {
        guard reply.code == 334 else { throw .authenticationFailed(reply) }
    }

    private func expect(_ code: Int, _ reply: SMTPReply, stage: String) throws(SMTPError) {
        guard reply.code == code else { throw .rejected(stage: stage, reply: reply) }
    }

    /// The EHLO argument: this machine's name when it is a domain, else a literal (RFC 5321 §4.1.4).
    static let clientName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.contains(".") && name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) ? name : "[127.0.0.1]"
    }()
}
