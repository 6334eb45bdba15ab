import Foundation
import Testing
@testable import MonPS

@Suite("Webhook formats")
struct WebhookFormatTests {
    static let settled = OutgoingNotification(
        id: "42", type: "bet.settled", subject: "b1", createdAt: Date(timeIntervalSince1970: 1_765_000_000),
        payload: #"{"bet_id":"b1","bookmaker":"pinnacle","currency":"EUR","event":"Arsenal v Chelsea <b>","market":"h2h","odds":2.1,"payout":2100,"profit":1100,"selection":"Arsenal","sport":"soccer_epl","stake":1000,"status":"won"}"#)

    @Test("generic: body, event id and a signature a receiver can verify")
    func generic() throws {
        let request = WebhookFormats.generic(
            Self.settled, url: "https://x.example/in", secret: "whsec_test", now: Date(timeIntervalSince1970: 1_765_000_100))
        let headers = Dictionary(uniqueKeysWithValues: request.headers)
        #expect(headers["X-MonPS-Event-Id"] == "42")
        #expect(headers["X-MonPS-Timestamp"] == "1765000100")
        let expected = Hex.encode(CryptoPrimitives.hmacSHA256(
            key: Array("whsec_test".utf8), message: Array("1765000100.".utf8) + request.body))
        #expect(headers["X-MonPS-Signature"] == "v1=" + expected)
        let body = try #require(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["id"] as? String == "42")
        #expect(body["type"] as? String == "bet.settled")
        #expect((body["payload"] as? [String: Any])?["profit"] as? Int == 1100)
        #expect(body["created_at"] as? String == "2025-12-06T05:46:40Z")
    }

    @Test("Discord: execute-webhook JSON with an embed and no mentions")
    func discord() throws {
        let body = try #require(JSONSerialization.jsonObject(with: Data(WebhookFormats.discord(Self.settled))) as? [String: Any])
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        #expect((body["content"] as? String)?.count ?? 9999 <= 2000)
        let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "Bet settled: WON")
        let fields = try #require(embed["fields"] as? [[String: Any]])
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0["name"] as! String, $0["value"] as! String) })
        #expect(values["Stake"] == "10.00 EUR")
        #expect(values["Profit"] == "+11.00 EUR")
        #expect(values["Odds"] == "2.10")
        #expect(embed["timestamp"] as? String == "2025-12-06T05:46:40Z")
    }

    @Test("Telegram: sendMessage with escaped HTML within 4096 characters")
    func telegram() throws {
        let data = try WebhookFormats.telegram(Self.settled, chatID: "-1001234")
        let body = try #require(JSONSerialization.jsonObject(with: Data(data)) as? [String: Any])
        #expect(body["chat_id"] as? String == "-1001234")
        #expect(body["parse_mode"] as? String == "HTML")
        #expect(body["disable_web_page_preview"] as? Bool == true)
        let text = try #require(body["text"] as? String)
        #expect(text.contains("Arsenal v Chelsea &lt;b&gt;"))
        #expect(text.hasPrefix("<b>Bet settled: WON</b>"))
        let long = OutgoingNotification(
            id: "1", type: "job.failed", subject: "s", createdAt: Date(),
            payload: "{" + (0..<40).map { "\"k\($0)\":\"\(String(repeating: "x", count: 400))\"" }.joined(separator: ",") + "}")
        let longText = try #require(
            (try JSONSerialization.jsonObject(with: Data(WebhookFormats.telegram(long, chatID: "1"))) as? [String: Any])?["text"] as? String)
        #expect(longText.count <= 4096)
    }

    @Test("opportunity text: outcome, bookmaker, price and edge")
    func opportunity() {
        let message = NotificationText.message(type: "opportunity.new", payload: [
            "event": "Nadal v Federer", "outcome": "Nadal", "bookmaker": "bet365", "price": 2.5, "edge": 0.123,
            "market": "h2h", "verdict": "analyze", "score": 71.2, "starts_at": "2026-01-02T15:00:00Z",
        ])
        #expect(message.title == "Value: Nadal @ 2.50 (bet365)")
        #expect(message.summary == "Edge 12.3% on Nadal v Federer")
        #expect(message.fields.contains(.init(name: "Starts", value: "2026-01-02 15:00 UTC")))
        #expect(NotificationText.money(-250, currency: "GBP", signed: true) == "-2.50 GBP")
        #expect(NotificationText.money(1500, currency: "JPY") == "1500 JPY")
    }

    @Test("backoff doubles with jitter up to the cap")
    func backoff() {
        let backoff = DeliveryBackoff(base: .seconds(30))
        #expect(backoff.delay(afterAttempt: 1, unit: 0) == .seconds(15))
        #expect(backoff.delay(afterAttempt: 1, unit: 1) == .seconds(30))
        #expect(backoff.delay(afterAttempt: 3, unit: 1) == .seconds(120))
        #expect(backoff.delay(afterAttempt: 40, unit: 1) == .seconds(6 * 3600))
    }

    @Test("errors never keep secrets")
    func redaction() {
        let text = WebhookSender.redact("failed for https://discord.com/api/webhooks/1/SECRET-token", secrets: ["https://discord.com/api/webhooks/1/SECRET-token"])
        #expect(!text.contains("SECRET"))
    }
}
