import Foundation
import MonPSCore

/// Batches pushed by odds providers MonPS does not poll (esports first): events, prices and results.
///
/// A batch goes through the importer's loader and its checks (`LoadValidation`), with one difference: a feed is a
/// machine talking to us, so instead of loading the good items and listing the bad ones, an unusable item refuses the
/// whole batch and the error names every bad item. Nothing is ever half-written (one loader transaction). Events are
/// found again by (`feed-<source>`, id), prices already stored are skipped: sending a batch twice adds nothing.
struct OddsFeedService: Sendable {
    let loader: OddsLoader
    /// What follows a stored batch, as after an upload.
    let followUp: LoadFollowUp

    /// `feed-<source>` as stored in `event_external_ids.source` (≤ 32 characters: the contract caps `source` at 27).
    static func ingestionSource(_ source: String) -> IngestionSource { IngestionSource(rawValue: "feed-\(source)") }

    /// A result as a feed states it (scores are optional on the wire, required for a finished event).
    struct Result: Sendable, Equatable {
        var status: ResultOutcome
        var homeScore: Int?
        var awayScore: Int?
        var winner: MatchResultSelection?
    }

    /// One event of a batch: the loader's event (its `result` is set from `result` once checked).
    struct Item: Sendable {
        var event: ImportedEvent
        var result: Result?
    }

    /// Validates every item, then loads the batch in one transaction and follows it up.
    /// - Throws: ``OddsFeedRejected`` naming each unusable item (nothing written).
    func push(source: String, items: [Item]) async throws -> LoadSummary {
        let sports = try await loader.sportGroups()
        let (events, problems) = Self.check(items, knownSports: sports)
        guard problems.isEmpty else { throw OddsFeedRejected(items: problems) }
        let summary = try await loader.load(
            events, source: Self.ingestionSource(source), options: LoadOptions(updatesSchedule: true))
        await followUp.after(summary)
        return summary
    }

    /// The events to load and every reason an item cannot be stored, named by its place in the batch
    /// (`events[2].prices[0]`).
    static func check(_ items: [Item], knownSports: [String: String]) -> ([ImportedEvent], [OddsFeedRejected.Item]) {
        var problems: [OddsFeedRejected.Item] = []
        var firstIndex: [String: Int] = [:]
        var events: [ImportedEvent] = []
        for (index, item) in items.enumerated() {
            var event = item.event
            event.sourceLine = index + 1
            let path = "events[\(index)]"
            if let first = firstIndex[event.externalID] {
                problems.append(.init(field: "\(path).id", message: "the same id as events[\(first)]"))
            } else {
                firstIndex[event.externalID] = index
            }
            if let reason = LoadValidation.rejection(of: event, knownSports: knownSports) {
                problems.append(.init(field: path, message: reason))
            }
            for (slot, price) in event.snapshots.enumerated() {
                if let reason = LoadValidation.rejection(of: price, startsAt: event.startsAt) {
                    problems.append(.init(field: "\(path).prices[\(slot)]", message: reason))
                }
            }
            if let result = item.result {
                switch imported(result) {
                case .success(let stored): event.result = stored
                case .failure(let reason): problems.append(.init(field: "\(path).result", message: reason.message))
                }
            }
            events.append(event)
        }
        return (events, problems)
    }

    private struct Reason: Error { var message: String }

    /// A result must agree with itself: a finished event has both scores and its winner (when named) is the score's,
    /// a forfeit (`retired`) or walkover names who goes through, a cancellation names nobody.
    private static func imported(_ result: Result) -> Swift.Result<ImportedResult, Reason> {
        if let reason = resultRejection(result) { return .failure(Reason(message: reason)) }
        let home = result.homeScore ?? 0, away = result.awayScore ?? 0
        let winner = result.status == .finished ? MatchResultSelection(home: home, away: away) : result.winner
        let both = result.homeScore != nil && result.awayScore != nil
        return .success(ImportedResult(
            homeScore: home, awayScore: away, regulationHome: both ? home : nil, regulationAway: both ? away : nil,
            status: result.status, winner: winner))
    }

    static func resultRejection(_ result: Result) -> String? {
        switch result.status {
        case .finished:
            guard let home = result.homeScore, let away = result.awayScore else {
                return "a finished result needs home_score and away_score"
            }
            if let winner = result.winner, winner != MatchResultSelection(home: home, away: away) {
                return "winner '\(winner.rawValue)' contradicts the score \(home)-\(away)"
            }
        case .retired, .walkover:
            guard result.winner == .home || result.winner == .away else {
                return "a \(result.status.rawValue) result needs the advancing side as winner (home or away)"
            }
        case .cancelled:
            if result.winner != nil { return "a cancelled event has no winner" }
        }
        return nil
    }
}

/// A batch refused because some of its items cannot be stored: each one named, nothing written.
struct OddsFeedRejected: Error, Equatable {
    struct Item: Sendable, Equatable {
        var field: String
        var message: String
    }

    var items: [Item]
}
