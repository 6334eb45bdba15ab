import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// Optional email verification at registration (platform setting `email_verification`).
@Suite("Mail: email verification", .hangGuard)
struct MailEmailVerificationTests {
    func register(_ client: any TestClientProtocol, _ email: String) async throws -> TestResponse {
        try await client.postJSON(
            "/v1/auth/register", #"{"email":"\#(email)","password":"\#(TestAccounts.password)","display_name":"Verify Me"}"#)
    }

    func login(_ client: any TestClientProtocol, _ email: String) async throws -> TestResponse {
        try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"\#(TestAccounts.password)"}"#)
    }

    @Test func whenRequiredNewAccountsSignInOnlyAfterFollowingTheLink() async throws {
        let app = try await TestApp.make(overrides: MailSink.overrides)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let existing = MailSink.address("existing")
            _ = try await accounts.token(email: existing)  // registered before the switch: counts as verified

            let on = try await client.postJSON("/v1/admin/settings", #"{"email_verification":true}"#, token: admin, method: .put)
            #expect(on.status == .ok)
            #expect(try on.json()["email_verification"] as? Bool == true)

            let email = MailSink.address("verify")
            #expect(try await register(client, email).status == .created)
            let refused = try await login(client, email)
            #expect(refused.status == .forbidden)
            #expect(try refused.json()["type"] as? String == "https://monps.dev/problems/email-not-verified")
            // A wrong password still gets the answer every wrong password gets (nothing learnt about the account).
            let wrong = try await client.postJSON("/v1/auth/login", #"{"email":"\#(email)","password":"Wrong-Password-123456"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(try await login(client, existing).status == .ok)

            let first = try #require(try await MailSink.waitForMessages(to: email).first)
            #expect(first.headers["subject"] == "Confirm your MonPS address")
            #expect(first.part("text/html")?.contains("https://monps.test/#verify?token=") == true)
            let firstToken = try #require(first.token(route: "verify"))

            // Resend: the same 202 for anyone; a new link replaces the first.
            for address in [email, MailSink.address("nobody"), existing] {
                #expect(try await client.postJSON("/v1/auth/verify-email/resend", #"{"email":"\#(address)"}"#).status == .accepted)
            }
            let second = try #require(try await MailSink.waitForMessages(to: email, count: 2).last?.token(route: "verify"))
            #expect(try MailSink.messages(to: existing).isEmpty)
            #expect(try await client.postJSON("/v1/auth/verify-email", #"{"token":"\#(firstToken)"}"#).status == .badRequest)
            #expect(try await client.postJSON("/v1/auth/verify-email", #"{"token":"\#(second)"}"#).status == .noContent)
            #expect(try await client.postJSON("/v1/auth/verify-email", #"{"token":"\#(second)"}"#).status == .badRequest)
            #expect(try await login(client, email).status == .ok)

            // Off again: nobody is asked.
            let off = try await client.postJSON("/v1/admin/settings", #"{"reset":["email_verification"]}"#, token: admin, method: .put)
            #expect(try off.json()["email_verification"] as? Bool == false)
            let later = MailSink.address("later")
            #expect(try await register(client, later).status == .created)
            #expect(try await login(client, later).status == .ok)
        }
    }

    @Test func adminCreatedAccountsCountAsVerified() async throws {
        let app = try await TestApp.make(overrides: MailSink.overrides.merging(["MONPS_EMAIL_VERIFICATION": "true"]) { $1 })
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            _ = try await accounts.token(role: .admin)  // created by the admin service, signs in
            let unverified = try await app.services.database.query(
                "SELECT count(*) FROM users WHERE email_verified_at IS NULL")
            #expect(try unverified.first?.decode(Int.self) == 0)
        }
    }
}
