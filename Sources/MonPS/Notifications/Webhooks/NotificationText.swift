import Foundation

/// One notification as people read it: a title, a one-line summary and labelled fields. Discord and Telegram
/// messages are written from it; generic webhooks get the JSON payload instead.
struct NotificationMessage: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        let name: String
        let value: String
    }

    let title: String
    let summary: String
    let fields: [Field]
}

/// Human text per event type, from the stored payload (`BetNotice`, `OpportunityAlert`, job payloads…). Missing
/// members are left out rather than failing: the payload of an older event may lack newer fields.
enum NotificationText {
    static func message(type: String, payload: [String: Any]) -> NotificationMessage {
        let p = Payload(values: payload)
        switch type {
        case "bet.settled":
            let status = (p.string("status") ?? "settled").uppercased()
            return NotificationMessage(
                title: "Bet settled: \(status)",
                summary: "\(p.selectionLine) @ \(p.odds("odds")) — \(p.string("event") ?? "bet")",
                fields: p.fields([
                    ("Event", p.string("event")), ("Selection", p.selectionLine), ("Odds", p.odds("odds")),
                    ("Stake", p.money("stake")), ("Status", status), ("Profit", p.money("profit", signed: true)),
                    ("Payout", p.money("payout")), ("Bookmaker", p.string("bookmaker")),
                ]))
        case "bet.kickoff_soon":
            return NotificationMessage(
                title: "Kick-off soon: \(p.string("event") ?? "your bet")",
                summary: "\(p.selectionLine) @ \(p.odds("odds")) starts \(p.time("starts_at") ?? "soon")",
                fields: p.fields([
                    ("Event", p.string("event")), ("Starts", p.time("starts_at")), ("Selection", p.selectionLine),
                    ("Odds", p.odds("odds")), ("Stake", p.money("stake")), ("Bookmaker", p.string("bookmaker")),
                ]))
        case "bet.clv":
            let clv = p.number("clv").map { percent($0, signed: true) }
            return NotificationMessage(
                title: "Closing line value: \(clv ?? "n/a")",
                summary: "\(p.selectionLine) @ \(p.odds("odds")), closed at \(p.odds("closing_odds"))",
                fields: p.fields([
                    ("Event", p.string("event")), ("Selection", p.selectionLine), ("Odds", p.odds("odds")),
                    ("Closing odds", p.odds("closing_odds")), ("CLV", clv),
                ]))
        case "opportunity.new":
            let edge = p.number("edge").map { percent($0, signed: false) }
            return NotificationMessage(
                title: "Value: \(p.outcomeLine) @ \(p.odds("price")) (\(p.string("bookmaker") ?? "?"))",
                summary: "Edge \(edge ?? "n/a") on \(p.string("event") ?? "an event")",
                fields: p.fields([
                    ("Event", p.string("event")), ("Starts", p.time("starts_at")), ("Market", p.string("market")),
                    ("Outcome", p.outcomeLine), ("Bookmaker", p.string("bookmaker")), ("Price", p.odds("price")),
                    ("Edge", edge), ("Verdict", p.string("verdict")),
                    ("Score", p.number("score").map { String(format: "%.0f", $0) }),
                ]))
        case "digest.daily":
            return digestMessage(p)
        default:
            // Admin and test events: their scalar members, in name order.
            let fields = payload.keys.sorted().prefix(10).compactMap { key -> NotificationMessage.Field? in
                p.scalar(key).map { NotificationMessage.Field(name: key.replacingOccurrences(of: "_", with: " "), value: $0) }
            }
            return NotificationMessage(title: "MonPS: \(type)", summary: p.string("message") ?? type, fields: fields)
        }
    }

    /// "3 settled (2 won, 1 lost, 0 void): +12.50 EUR", one profit per currency.
    private static func digestMessage(_ p: Payload) -> NotificationMessage {
        let totals = (p.values["totals"] as? [[String: Any]] ?? []).map(Payload.init(values:))
        let profits = totals.compactMap { $0.money("profit", signed: true) }
        let settled = p.int("bets_settled")
        let summary = settled == 0
            ? "No bet settled; \(p.int("bets_placed")) placed, \(p.int("opportunities")) opportunities"
            : "\(settled) settled (\(p.int("won")) won, \(p.int("lost")) lost, \(p.int("void")) void): "
                + profits.joined(separator: ", ")
        var fields: [(String, String?)] = [("Bets placed", "\(p.int("bets_placed"))"), ("Bets settled", "\(settled)")]
        for total in totals {
            let currency = total.string("currency") ?? ""
            fields.append(("Staked \(currency)", total.money("staked")))
            fields.append(("Profit \(currency)", total.money("profit", signed: true)))
        }
        fields.append(("Average CLV", p.number("average_clv").map { percent($0, signed: true) }))
        fields.append(("Opportunities", "\(p.int("opportunities"))"))
        fields.append(("Pending bets", "\(p.int("pending"))"))
        return NotificationMessage(
            title: "Daily summary: \(p.string("date") ?? "yesterday")", summary: summary, fields: p.fields(fields))
    }

    static func percent(_ fraction: Double, signed: Bool) -> String {
        let text = String(format: "%.1f%%", fraction * 100)
        return signed && fraction > 0 ? "+" + text : text
    }

    /// Minor units as a decimal amount with its currency (two decimals, none for currencies without minor units).
    static func money(_ minor: Int64, currency: String, signed: Bool = false) -> String {
        let zeroDecimal: Set<String> = ["JPY", "KRW", "VND", "CLP", "ISK", "HUF"]
        let sign = minor < 0 ? "-" : (signed && minor > 0 ? "+" : "")
        let magnitude = minor.magnitude
        if zeroDecimal.contains(currency) { return "\(sign)\(magnitude) \(currency)" }
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }

    private struct Payload {
        let values: [String: Any]

        func string(_ key: String) -> String? {
            guard let value = values[key] as? String, !value.isEmpty else { return nil }
            return value
        }

        func number(_ key: String) -> Double? {
            // `is Bool` also holds for the numbers 0 and 1 on Linux: JSON booleans are the NSNumbers of type "c".
            guard let value = values[key] as? NSNumber, String(cString: value.objCType) != "c" else { return nil }
            return value.doubleValue
        }

        func int(_ key: String) -> Int { number(key).map { Int($0) } ?? 0 }

        func odds(_ key: String) -> String { number(key).map { String(format: "%.2f", $0) } ?? "?" }

        func money(_ key: String, signed: Bool = false) -> String? {
            guard let amount = values[key] as? NSNumber else { return nil }
            return NotificationText.money(amount.int64Value, currency: string("currency") ?? "", signed: signed)
                .trimmingCharacters(in: .whitespaces)
        }

        func time(_ key: String) -> String? {
            guard let text = string(key) else { return nil }
            guard let date = ISO8601DateFormatter().date(from: text) else { return text }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
            return formatter.string(from: date)
        }

        func scalar(_ key: String) -> String? {
            switch values[key] {
            case let text as String: text
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }

        /// "Selection (point)" for bets.
        var selectionLine: String { withPoint(string("selection") ?? "?") }
        /// "Outcome (point)" for opportunities.
        var outcomeLine: String { withPoint(string("outcome") ?? "?") }

        private func withPoint(_ text: String) -> String {
            guard let point = number("point") else { return text }
            return "\(text) (\(point > 0 ? "+" : "")\(String(format: "%g", point)))"
        }

        func fields(_ pairs: [(String, String?)]) -> [NotificationMessage.Field] {
            pairs.compactMap { name, value in value.map { NotificationMessage.Field(name: name, value: $0) } }
        }
    }
}
