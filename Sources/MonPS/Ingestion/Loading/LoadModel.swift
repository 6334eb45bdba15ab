import Foundation
import MonPSCore

/// Where loaded rows come from: the namespace of external ids and the `source` of every snapshot.
struct IngestionSource: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    let rawValue: String
    init(rawValue: String) { self.rawValue = rawValue }

    static let oddsAPI = IngestionSource(rawValue: "odds-api")
    static let demo = IngestionSource(rawValue: "demo")
    static func file(_ source: ImportSource) -> IngestionSource { IngestionSource(rawValue: source.rawValue) }

    var description: String { rawValue }
}

struct LoadOptions: Sendable {
    /// A live feed knows the schedule better than we do: move a scheduled event when its start changes.
    var updatesSchedule = false
    /// Imports of a file record an `import_runs` row.
    var importRecord: ImportRecord?

    struct ImportRecord: Sendable {
        var fileName: String
        var sha256: String
        var rowsRead: Int
        var issues: [ImportIssue]
        var requestedBy: UUID?
    }
}

/// What one load changed. Loading the same events again gives zero created/added/stored.
struct LoadSummary: Sendable, Equatable {
    var eventsCreated = 0
    var eventsMatched = 0
    var snapshotsAdded = 0
    /// Prices already stored (same event, bookmaker, outcome, line and instant).
    var snapshotsKnown = 0
    /// Results inserted or changed.
    var resultsStored = 0
    /// Events refused by the loader (unknown sport, names too long…), with the reason.
    var rejected: [ImportIssue] = []
    /// Every event the load touched (for detection and closing-line work).
    var eventIDs: [Int64] = []
    var importRunID: Int64?

    /// The background jobs this load calls for: new prices may hold opportunities; new results settle bets and grade
    /// the opportunities that reached kick-off. Collection jobs and the admin upload start them after loading.
    var followUpJobs: [String] {
        (snapshotsAdded > 0 ? ["opportunities.detect"] : []) + (resultsStored > 0 ? ["bets.settle", "opportunities.grade"] : [])
    }

    static func + (lhs: LoadSummary, rhs: LoadSummary) -> LoadSummary {
        var sum = lhs
        sum.eventsCreated += rhs.eventsCreated
        sum.eventsMatched += rhs.eventsMatched
        sum.snapshotsAdded += rhs.snapshotsAdded
        sum.snapshotsKnown += rhs.snapshotsKnown
        sum.resultsStored += rhs.resultsStored
        sum.rejected += rhs.rejected
        sum.eventIDs += rhs.eventIDs
        return sum
    }
}

/// Checks the loader makes before anything is written; failures reject one event, never the batch.
enum LoadValidation {
    static let maxNameLength = 200
    static let maxExternalIDLength = 300

    /// `nil` when the event can be stored, else why not.
    static func rejection(of event: ImportedEvent, knownSports: [String: String]) -> String? {
        if knownSports[event.sportKey] == nil { return "unknown sport key '\(event.sportKey.prefix(64))'" }
        let home = event.home.trimmingCharacters(in: .whitespaces)
        let away = event.away.trimmingCharacters(in: .whitespaces)
        if home.isEmpty || away.isEmpty { return "missing team or player name" }
        if home.count > maxNameLength || away.count > maxNameLength { return "team or player name longer than \(maxNameLength) characters" }
        if ParticipantName.key(home) == ParticipantName.key(away) { return "the same participant on both sides ('\(home.prefix(60))')" }
        if let competition = event.competition, competition.count > maxNameLength { return "competition name too long" }
        if event.externalID.isEmpty || event.externalID.count > maxExternalIDLength { return "missing or overlong external id" }
        // 1900-01-01 … 2200-01-01 UTC.
        if !(-2_208_988_800.0..<7_258_118_400.0).contains(event.startsAt.timeIntervalSince1970) { return "start time out of range" }
        return nil
    }

    /// `nil` when the price can be stored, else why not (the rest of its event is still loaded).
    static func rejection(of price: ImportedPrice, startsAt: Date) -> String? {
        if abs(price.capturedAt.timeIntervalSince(startsAt)) > 366 * 86_400 {
            return "price captured more than a year away from the start"
        }
        guard PriceOutcome.allowed(in: price.market).contains(price.outcome) else {
            return "outcome '\(price.outcome.rawValue)' not in market \(price.market.rawValue)"
        }
        guard isBookmakerKey(price.bookmakerKey) else { return "invalid bookmaker key '\(price.bookmakerKey.prefix(64))'" }
        guard price.price.isFinite, price.price > 1, price.price <= 10_000 else { return "price \(price.price) outside (1, 10000]" }
        if price.market == .h2h {
            if price.point != nil { return "h2h price with a line" }
        } else {
            guard let point = price.point, point.isFinite, abs(point) < 1000 else { return "\(price.market.rawValue) price without a valid line" }
        }
        return nil
    }

    static func isBookmakerKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64
            && key.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}
