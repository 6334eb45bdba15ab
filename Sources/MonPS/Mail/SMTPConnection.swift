import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection to an SMTP server: send a command, await its reply, upgrade with STARTTLS.
/// The dialogue itself (which command when) is `SMTPMailSender`'s.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let timeout: TimeAmount
    /// Held here rather than looked up in the pipeline: once NIOSSL has closed the channel on a failed handshake
    /// the pipeline is torn down, but the handler still knows why (`tlsFailed`, not a bare `connectionClosed`).
    private let replies: NIOLoopBound<SMTPReplyHandler>

    /// Connects, with TLS from the first byte when `tls` is given (smtps).
    static func connect(
        host: String, port: Int, tls: NIOSSLContext?, timeout: TimeAmount, group: any EventLoopGroup
    ) async throws(SMTPError) -> SMTPConnection {
        let serverName = Self.serverName(host)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(awaitingTLS: tls != nil))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            let replies = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return SMTPConnection(channel: channel, timeout: timeout, replies: replies)
        } catch ChannelError.connectTimeout {
            throw .timedOut(stage: "connect")
        } catch {
            throw .connectionFailed(host: host, port: port, reason: Self.reason(error))
        }
    }

    /// Sends one command line (CRLF added) and returns the reply. `secret` commands (AUTH) are never logged.
    func command(_ line: String, stage: String) async throws(SMTPError) -> SMTPReply {
        channel.writeAndFlush(ByteBuffer(string: line + "\r\n"), promise: nil)
        return try await reply(stage: stage)
    }

    /// Sends raw data (the dot-stuffed message and its terminating line) and returns the reply.
    func data(_ text: String, stage: String, timeout: TimeAmount? = nil) async throws(SMTPError) -> SMTPReply {
        channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
        return try await reply(stage: stage, timeout: timeout)
    }

    /// The next reply from the server (the greeting, or the answer to what was sent).
    func reply(stage: String, timeout: TimeAmount? = nil) async throws(SMTPError) -> SMTPReply {
        let channel = channel
        let wait = timeout ?? self.timeout
        let replies = self.replies
        do {
            return try await channel.eventLoop.flatSubmit {
                replies.value.nextReply(stage: stage, timeout: wait, on: channel.eventLoop)
            }.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .connectionClosed(stage: stage)
        }
    }

    /// Puts TLS under the connection after a 220 to STARTTLS; the next command goes out encrypted once the handshake
    /// is done (NIOSSL buffers it), and a failed handshake surfaces as `tlsFailed` on the next reply.
    func startTLS(_ context: NIOSSLContext, host: String) async throws(SMTPError) {
        let channel = channel
        let serverName = Self.serverName(host)
        let replies = self.replies
        do {
            try await channel.eventLoop.submit {
                replies.value.awaitingTLS = true
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
            }.get()
        } catch {
            throw .tlsFailed(reason: Self.reason(error))
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// SNI and certificate name: a host name, never an IP literal (NIOSSL refuses those; it then checks the address).
    private static func serverName(_ host: String) -> String? {
        host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) ? nil : host
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.first.map { String(describing: $0.error) } ?? String(describing: error)
        }
        return String(describing: error)
    }
}
