import Foundation
import NIOPosix
import Testing
@testable import MonPS

/// The SMTP client against a real server (the aiosmtpd sink of deploy/test.sh), asserting what arrived.
@Suite("Mail: SMTP client against the test sink", .hangGuard)
struct SMTPMailSenderTests {
    static let from = try! MailAddress("no-reply@monps.test", name: "MonPS Tests")

    func sender(_ url: String, trustingSink: Bool = true, timeout: Duration = .seconds(10)) throws -> SMTPMailSender {
        try SMTPMailSender(
            url: try SMTPURL(parsing: url), from: Self.from, timeout: timeout,
            trustedCertificateFile: trustingSink ? MailSink.certificate : nil, logger: TestEnvironment.logger)
    }

    func message(to address: String, subject: String = "Grüße from MonPS") throws -> MailMessage {
        MailMessage(
            to: [try MailAddress(address, name: "Zoë Tester")], subject: subject,
            text: "Plain part\n.a line starting with a dot\nLast line é",
            html: "<p>HTML part &amp; <b>bold</b></p>",
            headers: [("List-Unsubscribe", "<https://monps.test/unsubscribe?u=1>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")])
    }

    @Test func startTLSWithAuthDeliversBothPartsAndTheHeaders() async throws {
        let to = MailSink.address("starttls")
        try await sender("smtp://\(MailSink.user):\(MailSink.password)@localhost:\(MailSink.port)?tls=require").send(try message(to: to))
        let mail = try #require(try await MailSink.waitForMessages(to: to).first)
        #expect(mail.tls)
        #expect(mail.login == MailSink.user)
        #expect(mail.mailFrom == "no-reply@monps.test")
        #expect(mail.headers["subject"] == "=?UTF-8?B?" + Data("Grüße from MonPS".utf8).base64EncodedString() + "?=")
        #expect(mail.headers["from"] == "\"MonPS Tests\" <no-reply@monps.test>")
        #expect(mail.headers["to"]?.hasSuffix("<\(to)>") == true)
        #expect(mail.headers["list-unsubscribe"] == "<https://monps.test/unsubscribe?u=1>")
        #expect(mail.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
        #expect(mail.headers["message-id"]?.hasSuffix("@monps.test>") == true)
        #expect(mail.headers["date"]?.hasSuffix("+0000") == true)
        #expect(mail.part("text/plain") == "Plain part\r\n.a line starting with a dot\r\nLast line é\r\n")
        #expect(mail.part("text/html") == "<p>HTML part &amp; <b>bold</b></p>\r\n")
    }

    @Test func implicitTLSDelivers() async throws {
        let to = MailSink.address("smtps")
        try await sender("smtps://\(MailSink.user):\(MailSink.password)@localhost:\(MailSink.port + 1)").send(try message(to: to, subject: "plain ascii"))
        let mail = try #require(try await MailSink.waitForMessages(to: to).first)
        #expect(mail.tls && mail.login == MailSink.user)
        #expect(mail.headers["subject"] == "plain ascii")
    }

    @Test func aWrongPasswordIsATypedErrorWithoutThePassword() async throws {
        let secret = "Wrong-Secret-4711"
        let to = MailSink.address("wrongpass")
        do {
            try await sender("smtp://\(MailSink.user):\(secret)@localhost:\(MailSink.port)").send(try message(to: to))
            Issue.record("a wrong password was accepted")
        } catch let error as SMTPError {
            guard case .authenticationFailed(let reply) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reply.code == 535)
            #expect(!error.description.contains(secret))
            #expect(!String(reflecting: error).contains(secret))
            #expect(!error.isTransient)
        }
        #expect(try MailSink.messages(to: to).isEmpty)
    }

    @Test func aRefusedConnectionIsATypedError() async throws {
        // A port nothing listens on. Not a freed ephemeral port: in the loaded suite another test's server may take it
        // between its release and this connect (seen: a greeting timeout instead of a refusal). Port 1 (tcpmux) is
        // privileged and unused.
        let port = 1
        do {
            try await sender("smtp://\(MailSink.user):hunter2-secret@127.0.0.1:\(port)").send(try message(to: MailSink.address()))
            Issue.record("sent to a closed port")
        } catch let error as SMTPError {
            guard case .connectionFailed(let host, let failedPort, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(host == "127.0.0.1" && failedPort == port)
            #expect(!error.description.contains("hunter2"))
            #expect(error.isTransient)
        }
    }

    @Test func aRefusedRecipientCarriesTheServersReply() async throws {
        let to = "nobody-\(UUID().uuidString.prefix(8))@refused.example"
        do {
            try await sender("smtp://localhost:\(MailSink.port)").send(try message(to: to))
            Issue.record("the refused recipient was accepted")
        } catch let error as SMTPError {
            guard case .recipientRefused(let address, let reply) = error else { Issue.record("unexpected \(error)"); return }
            #expect(address == to && reply.code == 550)
            #expect(reply.text.contains("mailbox unavailable"))
        }
    }

    @Test func anUntrustedCertificateIsATLSFailure() async throws {
        let to = MailSink.address("untrusted")
        do {
            try await sender("smtp://localhost:\(MailSink.port)?tls=require", trustingSink: false).send(try message(to: to))
            Issue.record("an untrusted certificate was accepted")
        } catch let error as SMTPError {
            guard case .tlsFailed = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(try MailSink.messages(to: to).isEmpty)
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        // The sink offers STARTTLS, so force clear text by refusing to upgrade: tls=none sends AUTH only by explicit
        // choice; here the sink itself refuses AUTH before TLS (auth_require_tls), which must surface as a typed error.
        do {
            try await sender("smtp://\(MailSink.user):\(MailSink.password)@localhost:\(MailSink.port)?tls=none")
                .send(try message(to: MailSink.address()))
            Issue.record("AUTH in clear text was accepted by the sink")
        } catch let error as SMTPError {
            switch error {
            case .authenticationUnavailable, .authenticationFailed: break
            default: Issue.record("unexpected \(error)")
            }
            #expect(!error.description.contains(MailSink.password))
        }
    }
}
