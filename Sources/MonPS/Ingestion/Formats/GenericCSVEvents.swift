import Foundation
import MonPSCore

/// Groups the rows of a generic odds CSV into events (rules in ``GenericCSVParser``).
struct GenericEventBuilder {
    let columns: GenericCSVParser.Columns
    private(set) var issues: [ImportIssue] = []
    private var order: [String] = []
    private var drafts: [String: Draft] = [:]

    private struct PriceKey: Hashable {
        let book: String
        let market: MarketType
        let outcome: PriceOutcome
        let point: Double?
        let capturedAt: Date
        let closing: Bool
    }

    private struct Draft {
        var event: ImportedEvent
        var priceKeys: Set<PriceKey> = []
    }

    private enum ResultValue {
        case none
        case result(ImportedResult)
        case invalid(String)
    }

    init(columns: GenericCSVParser.Columns) { self.columns = columns }

    func events() -> [ImportedEvent] { order.compactMap { drafts[$0]?.event } }

    static func isKey(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }

    mutating func add(_ record: HistoricalCSV.Record) {
        let line = record.line
        func skipRow(_ reason: String) {
            issues.append(ImportIssue(line: line, reason: reason, effect: .rowSkipped))
        }
        guard let eventID = record.value(columns.eventID) else { return skipRow("missing event_id") }
        guard eventID.count <= 200 else { return skipRow("event_id longer than 200 characters") }
        guard let sportKey = record.value(columns.sportKey) else { return skipRow("missing sport_key") }
        guard Self.isKey(sportKey) else {
            return skipRow("invalid sport_key '\(PriceCollector.clip(sportKey))' (expected [a-z0-9_]{1,64})")
        }
        guard let rawStart = record.value(columns.startsAt) else { return skipRow("missing starts_at") }
        guard let start = GenericCSVParser.isoInstant(rawStart) else {
            return skipRow("invalid starts_at '\(PriceCollector.clip(rawStart))' (ISO 8601 with offset, e.g. 2024-05-01T18:00:00Z)")
        }
        guard let home = record.value(columns.home) else { return skipRow("missing home") }
        guard let away = record.value(columns.away) else { return skipRow("missing away") }
        guard home != away else { return skipRow("home and away are the same") }
        let competition = record.value(columns.competition)

        var draft = drafts[eventID] ?? Draft(event: ImportedEvent(
            sportKey: sportKey, competition: competition, home: home, away: away, startsAt: start,
            externalID: eventID, snapshots: [], result: nil, sourceLine: line))
        let event = draft.event
        if event.sportKey != sportKey || event.startsAt != start || event.home != home || event.away != away
            || (competition != nil && competition != event.competition) {
            return skipRow("contradicts the first row of event '\(PriceCollector.clip(eventID))' (line \(event.sourceLine))")
        }
        switch result(record) {
        case .none:
            break
        case .invalid(let reason):
            issues.append(ImportIssue(line: line, reason: "\(reason) (result skipped)", effect: .valueSkipped))
        case .result(let result):
            if let existing = draft.event.result, existing != result {
                return skipRow("result contradicts an earlier row of event '\(PriceCollector.clip(eventID))'")
            }
            draft.event.result = result
        }
        if let (price, key) = price(record, start: start) {
            if draft.priceKeys.contains(key) {
                issues.append(ImportIssue(
                    line: line, reason: "duplicate price for event '\(PriceCollector.clip(eventID))'", effect: .rowSkipped))
            } else {
                draft.priceKeys.insert(key)
                draft.event.snapshots.append(price)
            }
        }
        if drafts[eventID] == nil { order.append(eventID) }
        drafts[eventID] = draft
    }

    private mutating func price(_ record: HistoricalCSV.Record, start: Date) -> (ImportedPrice, PriceKey)? {
        let rawBook = record.value(columns.bookmaker)
        let rawMarket = record.value(columns.market)
        let rawOutcome = record.value(columns.outcome)
        let rawPoint = record.value(columns.point)
        let rawPrice = record.value(columns.price)
        if rawBook == nil, rawMarket == nil, rawOutcome == nil, rawPrice == nil, rawPoint == nil { return nil }
        let line = record.line
        func skip(_ reason: String) -> (ImportedPrice, PriceKey)? {
            issues.append(ImportIssue(line: line, reason: "\(reason) (price skipped)", effect: .valueSkipped))
            return nil
        }
        guard let book = rawBook?.lowercased(), Self.isKey(book) else {
            return skip("missing or invalid bookmaker '\(PriceCollector.clip(rawBook ?? ""))'")
        }
        guard let market = rawMarket.flatMap({ MarketType(rawValue: $0.lowercased()) }) else {
            return skip("unknown market '\(PriceCollector.clip(rawMarket ?? ""))' (h2h, spreads, totals)")
        }
        guard let outcome = rawOutcome.flatMap({ PriceOutcome(rawValue: $0.lowercased()) }),
              PriceOutcome.allowed(in: market).contains(outcome) else {
            return skip("outcome '\(PriceCollector.clip(rawOutcome ?? ""))' is not valid for \(market.rawValue)")
        }
        var point: Double?
        if market == .h2h {
            guard rawPoint == nil else { return skip("h2h takes no point") }
        } else {
            guard let rawPoint, let value = ImportNumber.decimal(rawPoint) else {
                return skip("\(market.rawValue) needs a numeric point")
            }
            guard market == .spreads || value > 0 else { return skip("a total must be > 0") }
            point = value + 0.0
        }
        guard let rawPrice else { return skip("missing price") }
        guard let price = ImportNumber.decimal(rawPrice), Odds.isValidDecimal(price) else {
            return skip("price '\(PriceCollector.clip(rawPrice))' is not a decimal price > 1.0")
        }
        var closing = false
        if let rawClosing = record.value(columns.isClosing) {
            switch rawClosing.lowercased() {
            case "true", "1", "yes", "y", "t": closing = true
            case "false", "0", "no", "n", "f": closing = false
            default: return skip("is_closing '\(PriceCollector.clip(rawClosing))' is not true/false")
            }
        }
        var capturedAt = closing ? ImportTiming.closing(start) : ImportTiming.early(start)
        if let rawCaptured = record.value(columns.capturedAt) {
            guard let instant = GenericCSVParser.isoInstant(rawCaptured) else {
                return skip("invalid captured_at '\(PriceCollector.clip(rawCaptured))'")
            }
            guard instant <= start else { return skip("captured_at is after starts_at (in-play prices are not imported)") }
            capturedAt = instant
        }
        let snapshot = ImportedPrice(
            bookmakerKey: book, market: market, outcome: outcome, point: point, price: price,
            capturedAt: capturedAt, isClosing: closing)
        return (snapshot, PriceKey(book: book, market: market, outcome: outcome, point: point,
                                   capturedAt: capturedAt, closing: closing))
    }

    private func result(_ record: HistoricalCSV.Record) -> ResultValue {
        let rawHome = record.value(columns.homeScore)
        let rawAway = record.value(columns.awayScore)
        let rawStatus = record.value(columns.status)
        let rawWinner = record.value(columns.winner)
        if rawHome == nil, rawAway == nil, rawStatus == nil, rawWinner == nil { return .none }
        var status = ResultOutcome.finished
        if let rawStatus {
            guard let stated = ResultOutcome(rawValue: rawStatus.lowercased()) else {
                return .invalid("unknown status '\(PriceCollector.clip(rawStatus))'")
            }
            status = stated
        }
        var homeScore = 0
        var awayScore = 0
        switch (rawHome, rawAway) {
        case (nil, nil):
            guard status == .cancelled || status == .walkover else {
                return .invalid("status \(status.rawValue) needs home_score and away_score")
            }
        case (let h?, let a?):
            guard let hs = ImportNumber.integer(h), let aw = ImportNumber.integer(a), hs >= 0, aw >= 0 else {
                return .invalid("unreadable score '\(PriceCollector.clip(h))'-'\(PriceCollector.clip(a))'")
            }
            (homeScore, awayScore) = (hs, aw)
        default:
            return .invalid("give both home_score and away_score")
        }
        var winner: MatchResultSelection?
        if let rawWinner {
            guard let value = MatchResultSelection(rawValue: rawWinner.lowercased()) else {
                return .invalid("winner '\(PriceCollector.clip(rawWinner))' is not home/away/draw")
            }
            winner = value
        } else if status != .cancelled {
            winner = MatchResultSelection(home: homeScore, away: awayScore)
        }
        if status == .cancelled, winner != nil { return .invalid("a cancelled event has no winner") }
        if status == .retired || status == .walkover, winner == nil || winner == .draw {
            return .invalid("status \(status.rawValue) needs winner home or away")
        }
        return .result(ImportedResult(
            homeScore: homeScore, awayScore: awayScore, status: status, winner: winner,
            notes: record.value(columns.notes)))
    }
}
