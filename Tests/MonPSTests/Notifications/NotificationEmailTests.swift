import Foundation
import HTTPTypes
import NIOCore
import HummingbirdTesting
import MonPSCore
import Testing
@testable import MonPS

/// The email channel end to end: the delivery worker mails the event through the real SMTP sink, and the mail's
/// one-click unsubscribe link turns the channel off.
@Suite("Notifications by email, and their unsubscribe link", .hangGuard)
struct NotificationEmailTests {
    @Test func aSettledBetIsMailedOnceWithAWorkingOneClickUnsubscribe() async throws {
        let app = try await TestApp.make(overrides: MailSink.overrides)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let email = MailSink.address("notify")
            let token = try await accounts.token(email: email)
            let me = try await client.get("/v1/me", token: token).json()
            let userID = try #require(UUID(uuidString: me["id"] as? String ?? ""))
            let saved = try await client.postJSON(
                "/v1/settings",
                #"{"alerts":{"email":true,"websocket":true,"webhook":false,"min_edge":0.1,"channels":{"bet.settled":["email"]}}}"#,
                token: token, method: .put)
            #expect(saved.status == .ok)
            let outbox = app.services.notifications.outbox
            let payload: [String: String] = ["status": "won", "event": "Arsenal v Chelsea", "selection": "home", "currency": "EUR"]
            let recorded = try await app.services.database.transaction { connection in
                try await outbox.record(
                    [try NotificationDraft(userID: userID, type: .betSettled, subject: "mail-1", payload: payload)], on: connection)
            }
            let event = try #require(recorded.first)
            let worker = app.services.notifications.worker(logger: TestEnvironment.logger)
            #expect(await worker.runOnce() == 1)
            #expect(await worker.runOnce() == 0)

            let mail = try #require(try await MailSink.waitForMessages(to: email).first)
            #expect(mail.headers["subject"]?.contains("Bet settled") == true)
            #expect(mail.headers["x-monps-event-id"] == String(event.id))
            #expect(mail.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
            let header = try #require(mail.headers["list-unsubscribe"])
            #expect(header.hasPrefix("<https://monps.test/v1/notifications/unsubscribe?token="))
            let text = try #require(mail.part("text/plain"))
            #expect(text.contains("Arsenal v Chelsea"))
            #expect(text.contains("Stop these emails: https://monps.test/v1/notifications/unsubscribe?token="))
            #expect(try #require(mail.part("text/html")).contains("Notification settings"))
            #expect(try await app.services.database.count(
                "SELECT count(*) FROM notification_deliveries WHERE user_id = \(userID) AND channel = 'email' AND status = 'delivered'") == 1)

            // The one-click POST a mail client sends (RFC 8058), anonymous.
            let link = String(header.dropFirst("<https://monps.test".count).dropLast())
            // Another user's id with this signature: refused.
            let signature = try #require(link.split(separator: ".").last)
            let forged = try await client.execute(
                uri: "/v1/notifications/unsubscribe?token=\(UUID().uuidString.lowercased()).\(signature)", method: .post)
            #expect(forged.status == .badRequest)
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let unsubscribed = try await client.execute(
                uri: link, method: .post, headers: headers, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(unsubscribed.status == .ok, "\(unsubscribed.text)")
            #expect(try unsubscribed.json()["email"] as? Bool == false)
            let alerts = try #require(try await client.get("/v1/settings", token: token).json()["alerts"] as? [String: Any])
            #expect(alerts["email"] as? Bool == false)
            #expect((alerts["channels"] as? [String: Any])?["bet.settled"] as? [String] == ["email"])  // the rest is kept

            // Nothing is mailed any more.
            _ = try await app.services.database.transaction { connection in
                try await outbox.record(
                    [try NotificationDraft(userID: userID, type: .betSettled, subject: "mail-2", payload: payload)], on: connection)
            }
            #expect(try await app.services.database.count(
                "SELECT count(*) FROM notification_deliveries WHERE user_id = \(userID) AND channel = 'email'") == 1)
        }
    }

    @Test func unsubscribeTokensAreSignedPerUser() throws {
        let links = UnsubscribeLink(jwtSecrets: [TestEnvironment.jwtSecret])
        let user = UUID()
        let token = links.token(for: user)
        #expect(links.userID(from: token) == user)
        #expect(UnsubscribeLink(jwtSecrets: ["another-secret-0123456789abcdef0123456789"]).userID(from: token) == nil)
        // Rotation: a link signed with the old secret still works while that secret is listed.
        #expect(UnsubscribeLink(jwtSecrets: ["new-secret-0123456789abcdef0123456789abcd", TestEnvironment.jwtSecret])
            .userID(from: token) == user)
        let other = UUID().uuidString.lowercased()
        #expect(links.userID(from: other + token.drop { $0 != "." }) == nil)
        #expect(links.userID(from: "not-a-token") == nil)
    }
}
