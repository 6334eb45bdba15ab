import Foundation
import MonPSCore

/// Credit usage as reported by the headers of the last response that carried them.
public struct OddsAPIQuota: Sendable, Equatable {
    /// `x-requests-remaining`: credits left until the monthly reset.
    public var remaining: Int?
    /// `x-requests-used`: credits used since the reset.
    public var used: Int?
    /// `x-requests-last`: credits charged for the last request.
    public var last: Int?
    /// When a response last updated any of the values.
    public var observedAt: Date?

    public init(remaining: Int? = nil, used: Int? = nil, last: Int? = nil, observedAt: Date? = nil) {
        self.remaining = remaining
        self.used = used
        self.last = last
        self.observedAt = observedAt
    }

    /// Nothing known yet.
    public static let unknown = OddsAPIQuota()

    /// `self` updated with the headers that parse; absent or garbage headers keep the previous
    /// value (a proxy stripping one header must not make the reserve check forget the balance).
    func updated(remaining: String?, used: String?, last: String?, at now: Date) -> OddsAPIQuota {
        var next = self
        let parsed = (Self.credits(remaining), Self.credits(used), Self.credits(last))
        if let value = parsed.0 { next.remaining = value }
        if let value = parsed.1 { next.used = value }
        if let value = parsed.2 { next.last = value }
        if parsed.0 != nil || parsed.1 != nil || parsed.2 != nil { next.observedAt = now }
        return next
    }

    /// A non-negative credit count. A fractional value (`"12.5"`) is tolerated and rounded up,
    /// so the reserve check errs on the safe side.
    static func credits(_ header: String?) -> Int? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 20
        else { return nil }
        if let value = Int(text) { return value >= 0 ? value : nil }
        guard let value = Double(text), value.isFinite, value >= 0, value < 1e15 else { return nil }
        return Int(value.rounded(.up))
    }
}

/// One entry of `GET /v4/sports`.
public struct OddsAPISport: Sendable, Equatable {
    /// The Odds API sport key, e.g. `soccer_epl` (the path segment of the other endpoints).
    public var key: String
    public var group: String
    public var title: String
    public var description: String
    public var active: Bool
    public var hasOutrights: Bool

    public init(key: String, group: String, title: String, description: String, active: Bool, hasOutrights: Bool) {
        self.key = key
        self.group = group
        self.title = title
        self.description = description
        self.active = active
        self.hasOutrights = hasOutrights
    }
}

/// A part of a payload that was skipped: a whole event, or one bookmaker (or one bookmaker's
/// market) of an event. Reasons never quote more than a short prefix of the offending value.
public struct OddsAPIIssue: Sendable, Equatable, CustomStringConvertible {
    /// The event's `id` when it had a usable one.
    public var eventID: String?
    /// 0-based position of the event in the response array (the event's `sourceLine` − 1).
    public var index: Int
    public var reason: String

    public init(eventID: String?, index: Int, reason: String) {
        self.eventID = eventID
        self.index = index
        self.reason = reason
    }

    public var description: String { "item \(index)\(eventID.map { " (\($0))" } ?? ""): \(reason)" }
}

/// Events (with prices for the odds endpoint, without for the events endpoint) of one call.
public struct OddsAPIOddsBatch: Sendable, Equatable {
    /// Valid events in response order; `sourceLine` = position in the response + 1.
    public var events: [ImportedEvent]
    public var issues: [OddsAPIIssue]
    /// Quota after the call.
    public var quota: OddsAPIQuota
    /// When the response was received (fallback `capturedAt` of prices without timestamps).
    public var receivedAt: Date

    public init(events: [ImportedEvent], issues: [OddsAPIIssue], quota: OddsAPIQuota, receivedAt: Date) {
        self.events = events
        self.issues = issues
        self.quota = quota
        self.receivedAt = receivedAt
    }

    /// Number of prices over all events.
    public var snapshotCount: Int { events.reduce(0) { $0 + $1.snapshots.count } }
}

/// One entry of `GET /v4/sports/{sport}/scores`.
public struct OddsAPIScore: Sendable, Equatable {
    public var externalID: String
    /// MonPS catalogue key (the caller's `monpsSportKey`).
    public var sportKey: String
    public var home: String
    public var away: String
    public var startsAt: Date
    public var completed: Bool
    /// Only for completed events whose two scores are integers; `status` is `finished`.
    public var result: ImportedResult?
    public var lastUpdate: Date?

    public init(
        externalID: String, sportKey: String, home: String, away: String, startsAt: Date, completed: Bool,
        result: ImportedResult?, lastUpdate: Date?
    ) {
        self.externalID = externalID
        self.sportKey = sportKey
        self.home = home
        self.away = away
        self.startsAt = startsAt
        self.completed = completed
        self.result = result
        self.lastUpdate = lastUpdate
    }
}

/// Scores of one call.
public struct OddsAPIScoresBatch: Sendable, Equatable {
    public var items: [OddsAPIScore]
    public var issues: [OddsAPIIssue]
    public var quota: OddsAPIQuota
    public var receivedAt: Date

    public init(items: [OddsAPIScore], issues: [OddsAPIIssue], quota: OddsAPIQuota, receivedAt: Date) {
        self.items = items
        self.issues = issues
        self.quota = quota
        self.receivedAt = receivedAt
    }
}
