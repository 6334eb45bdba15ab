import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// `POST /v1/auth/password-reset[/confirm]` end to end: the mail arrives at the real SMTP sink and its link works.
@Suite("Mail: password reset", .hangGuard)
struct MailPasswordResetTests {
    static let newPassword = "Saffron-Harbour-82-Violet"

    func requestReset(_ client: any TestClientProtocol, _ email: String) async throws {
        let response = try await client.postJSON("/v1/auth/password-reset", #"{"email":"\#(email)"}"#)
        #expect(response.status == .accepted)
        #expect(response.body.readableBytes == 0)
    }

    func confirm(_ client: any TestClientProtocol, token: String, password: String = newPassword) async throws -> TestResponse {
        try await client.postJSON("/v1/auth/password-reset/confirm", #"{"token":"\#(token)","new_password":"\#(password)"}"#)
    }

    @Test func theMailCarriesAWorkingOneTimeLinkAndEverySessionEnds() async throws {
        let app = try await TestApp.make(overrides: MailSink.overrides)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = MailSink.address("reset")
            let oldAccess = try await accounts.token(email: email)
            let login = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            let oldRefresh = try #require(try login.json()["refresh_token"] as? String)

            try await requestReset(client, email.uppercased())  // addresses match case-insensitively
            let mail = try #require(try await MailSink.waitForMessages(to: email).first)
            #expect(mail.headers["subject"] == "Reset your MonPS password")
            #expect(mail.tls && mail.login == MailSink.user)
            let text = try #require(mail.part("text/plain"))
            let html = try #require(mail.part("text/html"))
            let token = try #require(mail.token(route: "reset"))
            #expect(token.count == 43)
            #expect(text.contains("https://monps.test/#reset?token=\(token)"))
            #expect(html.contains("href=\"https://monps.test/#reset?token=\(token)\""))

            // The policy applies before the token is spent.
            let weak = try await confirm(client, token: token, password: "short")
            #expect(weak.status == .unprocessableContent)
            #expect(try await confirm(client, token: token).status == .noContent)

            // Once only.
            let again = try await confirm(client, token: token, password: "Another-Harbour-93-Amber")
            #expect(again.status == .badRequest)
            #expect(try again.json()["type"] as? String == "https://monps.dev/problems/invalid-token")

            // Every earlier credential is gone; the new password works, the old one not.
            #expect(try await client.get("/v1/me", token: oldAccess).status == .unauthorized)
            let refreshed = try await client.postJSON("/v1/auth/refresh", #"{"refresh_token":"\#(oldRefresh)"}"#)
            #expect(refreshed.status == .unauthorized)
            _ = try await accounts.login(email: email, password: Self.newPassword)
            let oldLogin = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
            #expect(oldLogin.status == .unauthorized)

            // Audited.
            let rows = try await app.services.database.query(
                "SELECT action FROM audit_log WHERE action IN ('user.password_reset', 'user.password_reset_requested') ORDER BY id")
            #expect(try rows.map { try $0.decode(String.self) } == ["user.password_reset_requested", "user.password_reset"])
        }
    }

    @Test func anUnknownAddressGetsTheSameAnswerAndNoMail() async throws {
        let app = try await TestApp.make(overrides: MailSink.overrides)
        try await app.test { client in
            let known = MailSink.address("known")
            _ = try await TestAccounts(app: app, client: client).token(email: known)
            let unknown = MailSink.address("unknown")
            try await requestReset(client, unknown)
            try await requestReset(client, known)
            // One queue, in order: once the known address's mail is here, the unknown one was dealt with.
            _ = try await MailSink.waitForMessages(to: known)
            #expect(try MailSink.messages(to: unknown).isEmpty)
            let tokens = try await app.services.database.query("SELECT count(*) FROM account_tokens")
            #expect(try tokens.first?.decode(Int.self) == 1)
        }
    }

    @Test func aNewerRequestReplacesTheOlderLinkAndExpiredLinksAreRefused() async throws {
        let clock = ManualDateClock()
        let app = try await TestApp.make(overrides: MailSink.overrides, now: clock.closure)
        try await app.test { client in
            let email = MailSink.address("expiry")
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            try await requestReset(client, email)
            let first = try #require(try await MailSink.waitForMessages(to: email).first?.token(route: "reset"))
            try await requestReset(client, email)
            let second = try #require(try await MailSink.waitForMessages(to: email, count: 2).last?.token(route: "reset"))
            #expect(first != second)
            #expect(try await confirm(client, token: first).status == .badRequest)

            clock.advance(seconds: 31 * 60)
            let expired = try await confirm(client, token: second)
            #expect(expired.status == .badRequest)
            #expect(try expired.json()["type"] as? String == "https://monps.dev/problems/token-expired")
            for junk in ["x", String(repeating: "A", count: 43), String(repeating: "é", count: 43)] {
                #expect(try await confirm(client, token: junk).status == .badRequest)
            }
        }
    }

    @Test func withoutSMTPTheAnswerIsTheSameAndNoTokenIsMade() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let email = MailSink.address("nosmtp")
            _ = try await TestAccounts(app: app, client: client).token(email: email)
            #expect(!app.services.auth.mailer.isEnabled)
            try await requestReset(client, email)
            let tokens = try await app.services.database.query("SELECT count(*) FROM account_tokens")
            #expect(try tokens.first?.decode(Int.self) == 0)
        }
    }
}
