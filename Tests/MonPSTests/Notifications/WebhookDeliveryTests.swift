import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

/// Webhooks end to end against a real receiver on loopback: what arrives, and what the outbox records.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    typealias Support = WebhookTestSupport

    @Test("generic: signed JSON arrives once, the delivery is marked delivered, secrets never come back")
    func generic() async throws {
        let sink = try await WebhookSink.start()
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let user = try await Support.userID(app, token: token)
            let (hook, secret) = try await Support.create(
                client, token: token,
                json: #"{"kind":"generic","name":"Mine","events":["bet.settled"],"url":"\#(sink.baseURL)/in/hook"}"#)
            let secretValue = try #require(secret)
            let shown = try await client.get("/v1/notifications/webhooks/\(hook.uuidString)", token: token)
            #expect(shown.status == .ok)
            #expect(try shown.json()["target_display"] as? String == "127.0.0.1")
            #expect(!shown.text.contains(secretValue) && !shown.text.contains("/in/hook"))
            let stored = try await app.services.database.query(
                "SELECT target_sealed || coalesce(secret_sealed, '') FROM webhooks WHERE id = \(hook)").first!.decode(String.self)
            #expect(!stored.contains("/in/hook") && !stored.contains(secretValue))

            let (event, delivery) = try await Support.enqueue(app, user: user, webhook: hook)
            #expect(await Support.worker(app).runOnce() == 1)
            let arrived = try #require(sink.received.first)
            #expect(sink.received.count == 1)
            #expect(arrived.path == "/in/hook")
            #expect(arrived.headers["x-monps-event-id"] == String(event))
            let timestamp = try #require(arrived.headers["x-monps-timestamp"].flatMap(Int64.init))
            #expect(abs(Int64(Date().timeIntervalSince1970) - timestamp) < 300)
            let mac = CryptoPrimitives.hmacSHA256(
                key: Array(secretValue.utf8), message: Array("\(timestamp).".utf8) + arrived.body)
            #expect(arrived.headers["x-monps-signature"] == "v1=" + Hex.encode(mac))
            let body = try arrived.json()
            #expect(body["id"] as? String == String(event))
            #expect(body["type"] as? String == "bet.settled")
            #expect((body["payload"] as? [String: Any])?["selection"] as? String == "Arsenal")
            let row = try await Support.delivery(app, delivery)
            #expect(row.status == "delivered" && row.attempts == 1)
            #expect(await Support.worker(app).runOnce() == 0)
            #expect(sink.received.count == 1)
        }
        await sink.stop()
    }

    @Test("Discord and Telegram payloads arrive in their documented shapes")
    func discordAndTelegram() async throws {
        let sink = try await WebhookSink.start()
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let user = try await Support.userID(app, token: token)
            let discord = try await Support.create(
                client, token: token,
                json: #"{"kind":"discord","name":"D","events":["bet.settled"],"url":"\#(sink.baseURL)/api/webhooks/123/abc-DEF"}"#)
            let botToken = "123456:" + String(repeating: "A", count: 35)
            let telegram = try await Support.create(
                client, token: token,
                json: #"{"kind":"telegram","name":"T","events":["bet.settled"],"bot_token":"\#(botToken)","chat_id":"-100123"}"#)
            #expect(discord.secret == nil && telegram.secret == nil)
            _ = try await Support.enqueue(app, user: user, webhook: discord.id)
            _ = try await Support.enqueue(app, user: user, webhook: telegram.id)
            #expect(await Support.worker(app).runOnce() == 2)
            let discordRequest = try #require(sink.received.first { $0.path == "/api/webhooks/123/abc-DEF" })
            let discordBody = try discordRequest.json()
            #expect((discordBody["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
            let embed = try #require((discordBody["embeds"] as? [[String: Any]])?.first)
            #expect(embed["title"] as? String == "Bet settled: WON")
            #expect((embed["fields"] as? [[String: Any]])?.isEmpty == false)
            #expect(embed["timestamp"] is String)
            let telegramRequest = try #require(sink.received.first { $0.path == "/bot\(botToken)/sendMessage" })
            let telegramBody = try telegramRequest.json()
            #expect(telegramBody["chat_id"] as? String == "-100123")
            #expect(telegramBody["parse_mode"] as? String == "HTML")
            #expect(telegramBody["disable_web_page_preview"] as? Bool == true)
            #expect((telegramBody["text"] as? String)?.contains("Profit") == true)
            let listed = try await client.get("/v1/notifications/webhooks", token: token).json()
            let displays = (listed["data"] as? [[String: Any]])?.compactMap { $0["target_display"] as? String }
            #expect(displays == ["127.0.0.1", "-100123"])
        }
        await sink.stop()
    }

    @Test("a redirect is not followed: the delivery fails after one request")
    func redirect() async throws {
        let sink = try await WebhookSink.start()
        sink.answer(.redirect(to: "http://10.0.0.1/internal"))
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let user = try await Support.userID(app, token: token)
            let hook = try await Support.create(
                client, token: token, json: #"{"kind":"generic","name":"R","events":["bet.settled"],"url":"\#(sink.baseURL)/r"}"#)
            let (_, delivery) = try await Support.enqueue(app, user: user, webhook: hook.id)
            await Support.worker(app).runOnce()
            let row = try await Support.delivery(app, delivery)
            #expect(row.status == "pending" && row.attempts == 1)
            #expect(row.lastError?.hasPrefix("HTTP 302") == true)
            #expect(sink.received.count == 1)
        }
        await sink.stop()
    }

    @Test("failures back off, die after the last attempt, and the retry endpoint revives them")
    func deadLetters() async throws {
        let sink = try await WebhookSink.start()
        sink.answer(.status(500))
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink, extra: ["MONPS_DELIVERY_BACKOFF_MS": "60000"]))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let user = try await Support.userID(app, token: token)
            let hook = try await Support.create(
                client, token: token, json: #"{"kind":"generic","name":"F","events":["bet.settled"],"url":"\#(sink.baseURL)/f"}"#)
            let (_, delivery) = try await Support.enqueue(app, user: user, webhook: hook.id)
            await Support.worker(app).runOnce()
            #expect(try await Support.delivery(app, delivery).status == "pending")
            // Backed off (a minute here): a run now leaves it alone…
            await Support.worker(app).runOnce()
            let waiting = try await Support.delivery(app, delivery)
            #expect(waiting.status == "pending" && waiting.attempts == 1 && waiting.lastError?.hasPrefix("HTTP 500") == true)
            #expect(sink.received.count == 1)
            // …and once the backoff has passed — moved on the database's clock, not slept — it is tried again.
            try await app.services.database.query(
                "UPDATE notification_deliveries SET next_attempt_at = now() WHERE id = \(delivery)")
            await Support.worker(app).runOnce()
            let dead = try await Support.delivery(app, delivery)
            #expect(dead.status == "dead" && dead.attempts == 2)
            #expect(dead.lastError?.hasPrefix("HTTP 500") == true)

            let listed = try await client.get("/v1/notifications/deliveries?status=dead", token: token)
            #expect(listed.status == .ok)
            let item = try #require((try listed.json()["data"] as? [[String: Any]])?.first)
            #expect(item["id"] as? Int == Int(delivery))
            #expect(item["webhook_name"] as? String == "F")
            #expect(item["event_type"] as? String == "bet.settled")
            #expect((item["last_error"] as? String)?.hasPrefix("HTTP 500") == true)
            // Required properties without a value are present as null, as the contract says (not left out).
            #expect(item["delivered_at"] is NSNull && item["webhook_id"] as? String == hook.id.uuidString.lowercased())

            let other = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.post("/v1/notifications/deliveries/\(delivery)/retry", token: other).status == .notFound)
            sink.answer(.status(204))
            let retried = try await client.post("/v1/notifications/deliveries/\(delivery)/retry", token: token)
            #expect(retried.status == .ok)
            let pending = try retried.json()
            #expect(pending["status"] as? String == "pending" && pending["delivered_at"] is NSNull)
            #expect(try await client.post("/v1/notifications/deliveries/\(delivery)/retry", token: token).status == .conflict)
            await Support.worker(app).runOnce()
            #expect(try await Support.delivery(app, delivery).status == "delivered")
            #expect(sink.received.count == 3)
        }
        await sink.stop()
    }

    @Test("the test endpoint sends through the real path and reports the answer")
    func testEndpoint() async throws {
        let sink = try await WebhookSink.start()
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            let hook = try await Support.create(
                client, token: token, json: #"{"kind":"generic","name":"T","events":["bet.settled"],"url":"\#(sink.baseURL)/t"}"#)
            let ok = try await client.post("/v1/notifications/webhooks/\(hook.id.uuidString)/test", token: token)
            #expect(ok.status == .ok)
            let delivered = try ok.json()
            #expect(delivered["delivered"] as? Bool == true && delivered["status_code"] as? Int == 200)
            #expect(delivered["error"] is NSNull)
            #expect(sink.received.first?.headers["x-monps-event-id"]?.hasPrefix("test-") == true)
            sink.answer(.status(410))
            let gone = try await client.post("/v1/notifications/webhooks/\(hook.id.uuidString)/test", token: token).json()
            #expect(gone["delivered"] as? Bool == false)
            #expect(gone["status_code"] as? Int == 410)
        }
        await sink.stop()
    }

    @Test("create and update refuse non-public targets, wrong fields, other users and the 11th webhook")
    func validation() async throws {
        let sink = try await WebhookSink.start()
        let app = try await TestApp.make(overrides: Support.overrides(sink: sink))
        try await app.test { client in
            let token = try await TestAccounts(app: app, client: client).token()
            for url in ["https://10.0.0.1/x", "https://169.254.169.254/latest", "https://[::1]/x", "https://localhost/x",
                        "http://example.com/x"] {
                let response = try await client.postJSON(
                    "/v1/notifications/webhooks", #"{"kind":"generic","name":"S","events":["bet.settled"],"url":"\#(url)"}"#,
                    token: token)
                #expect(response.status == .unprocessableContent, "\(url): \(response.text)")
            }
            let telegramWithURL = try await client.postJSON(
                "/v1/notifications/webhooks", #"{"kind":"telegram","name":"S","events":["bet.settled"],"url":"https://a.example/"}"#,
                token: token)
            #expect(telegramWithURL.status == .unprocessableContent)
            let notDiscord = try await client.postJSON(
                "/v1/notifications/webhooks", #"{"kind":"discord","name":"S","events":["bet.settled"],"url":"\#(sink.baseURL)/x"}"#,
                token: token)
            #expect(notDiscord.status == .unprocessableContent)

            var ids: [UUID] = []
            for index in 0..<WebhookStore.maximumPerUser {
                ids.append(try await Support.create(
                    client, token: token,
                    json: #"{"kind":"generic","name":"H\#(index)","events":["bet.settled"],"url":"\#(sink.baseURL)/\#(index)"}"#).id)
            }
            let eleventh = try await client.postJSON(
                "/v1/notifications/webhooks", #"{"kind":"generic","name":"X","events":["bet.settled"],"url":"\#(sink.baseURL)/x"}"#,
                token: token)
            #expect(eleventh.status == .conflict)

            let patched = try await client.postJSON(
                "/v1/notifications/webhooks/\(ids[0].uuidString)", #"{"name":"Renamed","enabled":false,"events":["bet.clv"]}"#,
                token: token, method: .patch)
            #expect(patched.status == .ok)
            #expect(try patched.json()["name"] as? String == "Renamed")
            let badPatch = try await client.postJSON(
                "/v1/notifications/webhooks/\(ids[0].uuidString)", #"{"url":"https://192.168.1.1/"}"#, token: token, method: .patch)
            #expect(badPatch.status == .unprocessableContent)

            let other = try await TestAccounts(app: app, client: client).token()
            #expect(try await client.get("/v1/notifications/webhooks/\(ids[0].uuidString)", token: other).status == .notFound)
            let foreignDelete = try await client.execute(
                uri: "/v1/notifications/webhooks/\(ids[0].uuidString)", method: .delete, headers: [.authorization: "Bearer \(other)"])
            #expect(foreignDelete.status == .notFound)
            let delete = try await client.execute(
                uri: "/v1/notifications/webhooks/\(ids[0].uuidString)", method: .delete, headers: [.authorization: "Bearer \(token)"])
            #expect(delete.status == .noContent)
            #expect(try await client.get("/v1/notifications/webhooks", token: other).json()["data"] as? [Any] != nil)
        }
        await sink.stop()
    }
}
