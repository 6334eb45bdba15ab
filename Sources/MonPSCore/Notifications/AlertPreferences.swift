import Foundation

/// A user's notification preferences (stored as JSON in their settings).
///
/// The event log always records what concerns the user; these decide which of those events exist at all
/// (`opportunity.new` thresholds, the optional digest) and which channels carry each type.
public struct AlertPreferences: Sendable, Equatable, Codable {
    /// Channel switches: a channel that is off carries nothing, whatever `channels` says.
    public var email = false
    public var websocket = true
    public var webhook = false
    /// Smallest edge (p·O − 1) of an opportunity worth an alert.
    public var minEdge = 0.10
    /// Sports (keys) whose opportunities are worth an alert; empty means every sport.
    public var sports: [String] = []
    /// Verdicts (`analyze`, `caution`) worth an alert; empty means both.
    public var verdicts: [String] = []
    /// Per event type, the channels that carry it; a type not listed goes to every channel that is on.
    public var channels: [NotificationType: [NotificationChannel]] = [:]
    /// Webhook and email deliveries falling in these hours wait for their end (the user's time zone).
    public var quietHours: QuietHours?
    /// Whether to receive `digest.daily`.
    public var dailyDigest = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case email, websocket, webhook, sports, verdicts, channels
        case minEdge = "min_edge"
        case quietHours = "quiet_hours"
        case dailyDigest = "daily_digest"
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AlertPreferences()
        email = try values.decodeIfPresent(Bool.self, forKey: .email) ?? defaults.email
        websocket = try values.decodeIfPresent(Bool.self, forKey: .websocket) ?? defaults.websocket
        webhook = try values.decodeIfPresent(Bool.self, forKey: .webhook) ?? defaults.webhook
        minEdge = try values.decodeIfPresent(Double.self, forKey: .minEdge) ?? defaults.minEdge
        sports = try values.decodeIfPresent([String].self, forKey: .sports) ?? []
        verdicts = try values.decodeIfPresent([String].self, forKey: .verdicts) ?? []
        let byName = try values.decodeIfPresent([String: [NotificationChannel]].self, forKey: .channels) ?? [:]
        channels = Dictionary(uniqueKeysWithValues: byName.compactMap { name, list in
            NotificationType(rawValue: name).map { ($0, list) }
        })
        quietHours = try values.decodeIfPresent(QuietHours.self, forKey: .quietHours)
        dailyDigest = try values.decodeIfPresent(Bool.self, forKey: .dailyDigest) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(email, forKey: .email)
        try values.encode(websocket, forKey: .websocket)
        try values.encode(webhook, forKey: .webhook)
        try values.encode(minEdge, forKey: .minEdge)
        try values.encode(sports, forKey: .sports)
        try values.encode(verdicts, forKey: .verdicts)
        try values.encode(Dictionary(uniqueKeysWithValues: channels.map { ($0.key.rawValue, $0.value) }), forKey: .channels)
        try values.encodeIfPresent(quietHours, forKey: .quietHours)
        try values.encode(dailyDigest, forKey: .dailyDigest)
    }

    /// The channels that carry `type` for this user.
    public func channels(for type: NotificationType) -> Set<NotificationChannel> {
        let switchedOn = Set(NotificationChannel.allCases.filter(isOn))
        guard let chosen = channels[type] else { return switchedOn }
        return switchedOn.intersection(chosen)
    }

    /// Whether an opportunity with these facts is worth an `opportunity.new` for this user.
    public func wants(edge: Double, sport: String, verdict: String) -> Bool {
        edge >= minEdge && (sports.isEmpty || sports.contains(sport)) && (verdicts.isEmpty || verdicts.contains(verdict))
    }

    private func isOn(_ channel: NotificationChannel) -> Bool {
        switch channel {
        case .websocket: websocket
        case .webhook: webhook
        case .email: email
        }
    }
}

/// A daily window of local time, `start` included and `end` excluded; it wraps past midnight when `end < start`.
public struct QuietHours: Sendable, Equatable, Codable {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// `HH:MM` (24 h), as stored and as the API takes it.
    public init?(start: String, end: String) {
        guard let from = Self.minutes(start), let to = Self.minutes(end) else { return nil }
        self.init(start: from, end: to)
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let start = try values.decode(String.self, forKey: .start), end = try values.decode(String.self, forKey: .end)
        guard let parsed = QuietHours(start: start, end: end) else {
            throw DecodingError.dataCorruptedError(forKey: .start, in: values, debugDescription: "quiet hours are HH:MM")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(Self.text(start), forKey: .start)
        try values.encode(Self.text(end), forKey: .end)
    }

    enum CodingKeys: String, CodingKey { case start, end }

    public var startText: String { Self.text(start) }
    public var endText: String { Self.text(end) }

    /// When a delivery due at `instant` may go: the end of the quiet window containing it, else `nil` (at once).
    public func deferral(of instant: Date, in zone: TimeZone) -> Date? {
        guard start != end else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        let now = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let quiet = start < end ? (now >= start && now < end) : (now >= start || now < end)
        guard quiet else { return nil }
        let wake = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        return calendar.nextDate(after: instant, matching: wake, matchingPolicy: .nextTime, direction: .forward)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0..<24).contains(hours), (0..<60).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }

    static func text(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}
