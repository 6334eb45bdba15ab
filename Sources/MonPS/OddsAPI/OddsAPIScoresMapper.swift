import Foundation
import MonPSCore

/// Maps a scores payload to ``OddsAPIScore``s.
///
/// An item with a bad identity (id, teams, `commence_time`) or without a boolean `completed` is
/// skipped with an issue. A completed item whose scores are unusable is kept without a result
/// and reported; scores of games in progress are not read (they are partial by nature).
struct OddsAPIScoresMapper {
    var monpsSportKey: String

    /// Highest plausible score of one side (any sport, basketball included).
    static let maxScore = 10_000

    func map(_ items: [OddsAPILenient<OddsAPIEventPayload>]) -> (items: [OddsAPIScore], issues: [OddsAPIIssue]) {
        var scores: [OddsAPIScore] = []
        var issues: [OddsAPIIssue] = []
        for (index, item) in items.enumerated() {
            guard let payload = item.value else {
                issues.append(OddsAPIIssue(eventID: nil, index: index, reason: "event is not an object"))
                continue
            }
            let eventID = try? OddsAPIValidation.eventID(payload.id).get()
            let header: OddsAPIEventHeader
            switch OddsAPIEventHeader.validate(payload) {
            case .success(let valid): header = valid
            case .failure(let reason):
                issues.append(OddsAPIIssue(eventID: eventID, index: index, reason: "event skipped: \(reason.text)"))
                continue
            }
            guard case .value(let completed) = payload.completed else {
                issues.append(
                    OddsAPIIssue(eventID: header.id, index: index, reason: "event skipped: completed is not a boolean"))
                continue
            }
            var result: ImportedResult?
            if completed {
                switch Self.result(payload.scores, home: header.home, away: header.away) {
                case .success(let value): result = value
                case .failure(let reason):
                    issues.append(
                        OddsAPIIssue(
                            eventID: header.id, index: index, reason: "completed without usable scores: \(reason.text)"))
                }
            }
            scores.append(
                OddsAPIScore(
                    externalID: header.id, sportKey: monpsSportKey, home: header.home, away: header.away,
                    startsAt: header.startsAt, completed: completed, result: result,
                    lastUpdate: OddsAPIValidation.date(payload.lastUpdate)))
        }
        return (scores, issues)
    }

    /// The final result from `[{name, score}]`, matched to the teams by name.
    static func result(
        _ field: OddsAPIField<[OddsAPILenient<OddsAPIScorePayload>]>, home: String, away: String
    ) -> Result<ImportedResult, OddsAPIValidation.Reason> {
        guard case .value(let entries) = field else { return .failure(.init("scores is missing or not an array")) }
        var homeScore: Int?
        var awayScore: Int?
        for entry in entries {
            guard let entry = entry.value, let name = try? OddsAPIValidation.name(entry.name, "name").get() else {
                return .failure(.init("a score entry has no usable name"))
            }
            let side: String
            if name == home {
                side = "home"
            } else if name == away {
                side = "away"
            } else {
                return .failure(.init("score name \(OddsAPIValidation.quote(name)) matches neither team"))
            }
            guard let value = score(entry.score) else { return .failure(.init("score of \(side) is not an integer")) }
            if side == "home" {
                guard homeScore == nil else { return .failure(.init("two scores for home")) }
                homeScore = value
            } else {
                guard awayScore == nil else { return .failure(.init("two scores for away")) }
                awayScore = value
            }
        }
        guard let homeScore, let awayScore else { return .failure(.init("score of one team is missing")) }
        return .success(ImportedResult(
            homeScore: homeScore, awayScore: awayScore, status: .finished,
            winner: MatchResultSelection(home: homeScore, away: awayScore)))
    }

    /// `"3"` or `3` → 3; anything else (`"2.5"`, `"250/6"`, negative, huge) → `nil`.
    static func score(_ field: OddsAPIField<OddsAPIScoreValue>) -> Int? {
        switch field.value {
        case .text(let text)?:
            guard text.utf8.count <= 12, let value = Int(text.trimmingCharacters(in: .whitespaces)) else { return nil }
            return (0...maxScore).contains(value) ? value : nil
        case .number(let number)?:
            guard number.isFinite, number == number.rounded(), (0...Double(maxScore)).contains(number) else { return nil }
            return Int(number)
        case nil:
            return nil
        }
    }
}
