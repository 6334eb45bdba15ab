import Foundation
import Testing
@testable import MonPS

@Suite("Mail: MIME encoding, dot-stuffing, SMTP replies and URLs (no I/O)")
struct MailEncodingTests {
    @Test func quotedPrintableKeepsLinesShortAndEncodesWhatIsNotPlainASCII() {
        let encoded = MIMEEncoding.quotedPrintable("café = 1 \nend\t\n" + String(repeating: "x", count: 200))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0] == "caf=C3=A9 =3D 1=20")
        #expect(lines[1] == "end=09")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(ReceivedMail.decodeQuotedPrintable(encoded) == "café = 1 \r\nend\t\r\n" + String(repeating: "x", count: 200))
    }

    @Test func quotedPrintableEncodesALeadingDot() {
        #expect(MIMEEncoding.quotedPrintable(".\n.hidden") == "=2E\r\n=2Ehidden")
    }

    @Test func headersStayASCIIOrBecomeRFC2047Words() throws {
        #expect(MIMEEncoding.headerText("Reset your password") == "Reset your password")
        let encoded = MIMEEncoding.headerText("Réinitialisez votre mot de passe — 🔐 " + String(repeating: "é", count: 40))
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.utf8.count <= 75)
            decoded += try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
        }
        #expect(String(decoding: decoded, as: UTF8.self) == "Réinitialisez votre mot de passe — 🔐 " + String(repeating: "é", count: 40))
    }

    @Test func dotStuffingDoublesLeadingDotsAndEndsWithCRLF() {
        #expect(MIMEEncoding.dotStuffed("a\n.\n..b\nc") == "a\r\n..\r\n...b\r\nc\r\n")
        #expect(MIMEEncoding.dotStuffed("x\r\n") == "x\r\n")
    }

    @Test func datesAreRFC5322InUTC() {
        #expect(MIMEEncoding.date(Date(timeIntervalSince1970: 1_772_528_700)) == "Tue, 03 Mar 2026 09:05:00 +0000")
    }

    @Test func messagesAreMultipartAlternativeWithBothParts() throws {
        let message = MailMessage(
            to: [try MailAddress("ann@example.com", name: "Ann Ünal")], subject: "Grüße", text: "Hello\n.line", html: "<p>Hello</p>",
            headers: [("List-Unsubscribe", "<https://monps.test/u>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")])
        let from = try MailAddress("no-reply@monps.test", name: "MonPS")
        let rendered = try MIMEMessage.render(message, from: from, date: Date(timeIntervalSince1970: 0), messageID: "abc@monps.test", boundary: "=_b")
        let mail = ReceivedMail(envelope: [:], raw: rendered)
        #expect(mail.headers["from"] == "\"MonPS\" <no-reply@monps.test>")
        #expect(mail.headers["to"]?.hasPrefix("=?UTF-8?B?") == true)
        #expect(mail.headers["subject"] == "=?UTF-8?B?" + Data("Grüße".utf8).base64EncodedString() + "?=")
        #expect(mail.headers["message-id"] == "<abc@monps.test>")
        #expect(mail.headers["date"] == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(mail.headers["list-unsubscribe"] == "<https://monps.test/u>")
        #expect(mail.headers["mime-version"] == "1.0")
        #expect(mail.part("text/plain") == "Hello\r\n.line\r\n")
        #expect(mail.part("text/html") == "<p>Hello</p>\r\n")
        #expect(!rendered.contains("\n\n") && !rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func headerInjectionAndReservedHeadersAreRefused() throws {
        let to = [try MailAddress("ann@example.com")]
        let from = try MailAddress("no-reply@monps.test")
        for header in [("X-Evil", "a\r\nBcc: x@example.com"), ("Bad Name", "v"), ("Subject", "again")] {
            #expect(throws: MailMessageError.invalidHeader(header.0)) {
                try MIMEMessage.render(
                    MailMessage(to: to, subject: "s", text: "t", html: "h", headers: [header]), from: from, date: Date(),
                    messageID: "x@y", boundary: "=_b")
            }
        }
        #expect(throws: MailMessageError.noRecipient) {
            try MIMEMessage.render(MailMessage(to: [], subject: "s", text: "t", html: "h"), from: from, date: Date(), messageID: "x@y", boundary: "b")
        }
        for bad in ["no-at-sign", "a@b\r\nRCPT TO:<x@y>", "<a@b>", "@example.com", "a@"] {
            #expect(throws: MailMessageError.invalidAddress) { try MailAddress(bad) }
        }
    }

    @Test func repliesAreAssembledFromTheirLines() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-mail.example.com greets you") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        let reply = try #require(try parser.feed("250 SIZE 1000"))
        #expect(reply.code == 250 && reply.lines.count == 4)
        #expect(reply.extensions["STARTTLS"] == [])
        #expect(reply.extensions["AUTH"] == ["PLAIN", "LOGIN"])
        #expect(try parser.feed("535 5.7.8 Authentication credentials invalid") == SMTPReply(code: 535, lines: ["5.7.8 Authentication credentials invalid"]))
        #expect(try parser.feed("220") == SMTPReply(code: 220, lines: [""]))
        #expect(throws: SMTPReplyParser.ParseError.malformed) { try parser.feed("hello") }
        #expect(throws: SMTPReplyParser.ParseError.malformed) { try parser.feed("250+x") }
        var changing = SMTPReplyParser()
        _ = try changing.feed("250-a")
        #expect(throws: SMTPReplyParser.ParseError.codeChanged) { try changing.feed("251 b") }
    }

    @Test func smtpURLsAreParsedAndNeverShowThePassword() throws {
        let url = try SMTPURL(parsing: "smtp://us%40er:p%3Ass@mail.example.com?tls=require")
        #expect(url == SMTPURL(host: "mail.example.com", port: 587, security: .startTLSRequired, username: "us@er", password: "p:ss"))
        #expect(url.description == "smtp://us@er:***@mail.example.com:587?tls=require")
        #expect(try SMTPURL(parsing: "smtps://mail.example.com").port == 465)
        #expect(try SMTPURL(parsing: "smtps://mail.example.com").security == .implicitTLS)
        #expect(try SMTPURL(parsing: "smtp://127.0.0.1:25?tls=none").security == SMTPURL.Security.none)
        #expect(try SMTPURL(parsing: "smtp://h:2525").security == .startTLSIfOffered)
        for bad in ["http://h", "smtp://", "smtp://h?tls=maybe", "smtp://h/path", "smtp://h?x=1", "smtp://user@h", "smtps://h?tls=none", "smtp://u:secret@h:70000"] {
            #expect(throws: SMTPURLError.self) { try SMTPURL(parsing: bad) }
            do { _ = try SMTPURL(parsing: bad) } catch { #expect(!error.description.contains("secret")) }
        }
    }

    @Test func aBadSMTPSettingStopsStartUpNamingIt() throws {
        let base = ["DATABASE_URL": "postgres://u:p@h:5432/d", "REDIS_URL": "redis://h:6379/0", "MONPS_JWT_SECRETS": String(repeating: "s", count: 32)]
        func load(_ extra: [String: String]) throws(ConfigError) -> AppConfig {
            try AppConfig.load(environment: base.merging(extra) { $1 }, requiring: .server)
        }
        #expect(throws: ConfigError.self) { try load(["MONPS_SMTP_URL": "smtp://u:hunter2@h?tls=sometimes", "MONPS_MAIL_FROM": "a@b.c"]) }
        do { _ = try load(["MONPS_SMTP_URL": "smtp://u:hunter2@h?tls=sometimes"]) } catch {
            #expect(error.setting == "MONPS_SMTP_URL" && !error.description.contains("hunter2"))
        }
        do { _ = try load(["MONPS_SMTP_URL": "smtp://h"]) } catch { #expect(error.setting == "MONPS_MAIL_FROM") }
        do { _ = try load(["MONPS_PUBLIC_URL": "ftp://x"]) } catch { #expect(error.setting == "MONPS_PUBLIC_URL") }
        let config = try load(["MONPS_SMTP_URL": "smtps://h", "MONPS_MAIL_FROM": "MonPS <no-reply@monps.test>", "MONPS_PUBLIC_URL": "https://app.example.com/"])
        #expect(config.mail.from == (try MailAddress("no-reply@monps.test", name: "MonPS")))
        #expect(config.publicURL == "https://app.example.com")
        #expect(try load([:]).publicURL == "http://127.0.0.1:8080")
        #expect(try load([:]).mail.smtp == nil)
    }
}
