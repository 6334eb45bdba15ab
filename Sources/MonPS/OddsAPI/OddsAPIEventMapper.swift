import Foundation
import MonPSCore

/// Maps odds/events payloads to ``ImportedEvent``s.
///
/// Granularity of skipping (an event is never stored half-validated):
/// - event: bad/missing `id`, teams, `commence_time`, or home == away → whole event skipped;
/// - bookmaker: key not matching `^[a-z0-9_]{1,64}$` or not an object → that bookmaker skipped;
/// - market: any bad outcome (price, name, point, duplicate) → that bookmaker's market skipped.
/// Unknown market keys (`h2h_lay`, props…) are ignored silently. Every skip is one issue.
struct OddsAPIEventMapper {
    /// MonPS catalogue key written to every event.
    var monpsSportKey: String
    /// Fallback `capturedAt` when neither the market nor the bookmaker has `last_update`.
    var receivedAt: Date

    /// - Parameter withPrices: `false` for the events endpoint (bookmakers are not read).
    func map(
        _ items: [OddsAPILenient<OddsAPIEventPayload>], withPrices: Bool
    ) -> (events: [ImportedEvent], issues: [OddsAPIIssue]) {
        var events: [ImportedEvent] = []
        var issues: [OddsAPIIssue] = []
        for (index, item) in items.enumerated() {
            guard let payload = item.value else {
                issues.append(OddsAPIIssue(eventID: nil, index: index, reason: "event is not an object"))
                continue
            }
            let eventID = try? OddsAPIValidation.eventID(payload.id).get()
            func issue(_ reason: String) { issues.append(OddsAPIIssue(eventID: eventID, index: index, reason: reason)) }

            let header: OddsAPIEventHeader
            switch OddsAPIEventHeader.validate(payload, teamFallback: { withPrices ? Self.teamsFromOutcomes(payload) : nil }) {
            case .success(let valid): header = valid
            case .failure(let reason):
                issue("event skipped: \(reason.text)")
                continue
            }
            var snapshots: [ImportedPrice] = []
            if withPrices {
                snapshots = prices(of: payload, header: header, issue: issue)
            }
            events.append(
                ImportedEvent(
                    sportKey: monpsSportKey, competition: header.competition, home: header.home, away: header.away,
                    startsAt: header.startsAt, externalID: header.id, snapshots: snapshots, result: nil,
                    sourceLine: index + 1))
        }
        return (events, issues)
    }

    // MARK: - Prices

    private func prices(
        of payload: OddsAPIEventPayload, header: OddsAPIEventHeader, issue: (String) -> Void
    ) -> [ImportedPrice] {
        let bookmakers: [OddsAPILenient<OddsAPIBookmakerPayload>]
        switch payload.bookmakers {
        case .absent: return []
        case .invalid:
            issue("bookmakers is not an array; event kept without prices")
            return []
        case .value(let value): bookmakers = value
        }
        var prices: [ImportedPrice] = []
        var seenBookmakers: Set<String> = []
        for (position, item) in bookmakers.enumerated() {
            guard let bookmaker = item.value else {
                issue("bookmaker #\(position + 1) skipped: not an object")
                continue
            }
            guard case .value(let key) = bookmaker.key, OddsAPIValidation.isKey(key) else {
                let shown: String
                switch bookmaker.key {
                case .absent: shown = "(missing)"
                case .invalid: shown = "(not a string)"
                case .value(let key): shown = OddsAPIValidation.quote(key)
                }
                issue("bookmaker #\(position + 1) skipped: key \(shown) does not match [a-z0-9_]{1,64}")
                continue
            }
            guard seenBookmakers.insert(key).inserted else {
                issue("bookmaker \(key) skipped: listed twice")
                continue
            }
            let bookmakerUpdate = OddsAPIValidation.date(bookmaker.lastUpdate)
            let markets: [OddsAPILenient<OddsAPIMarketPayload>]
            switch bookmaker.markets {
            case .absent: continue
            case .invalid:
                issue("bookmaker \(key) skipped: markets is not an array")
                continue
            case .value(let value): markets = value
            }
            var seenMarkets: Set<String> = []
            for (marketPosition, marketItem) in markets.enumerated() {
                guard let market = marketItem.value, case .value(let marketKey) = market.key else {
                    issue("bookmaker \(key), market #\(marketPosition + 1) skipped: not an object with a key")
                    continue
                }
                // Other markets (outrights, lay prices, player props…) are not MonPS's: skipped without an issue.
                guard let marketType = MarketType(rawValue: marketKey) else { continue }
                guard seenMarkets.insert(marketKey).inserted else {
                    issue("bookmaker \(key), market \(marketKey) skipped: listed twice")
                    continue
                }
                let capturedAt = OddsAPIValidation.date(market.lastUpdate) ?? bookmakerUpdate ?? receivedAt
                switch marketPrices(market, key: marketType, bookmaker: key, header: header, capturedAt: capturedAt) {
                case .success(let marketPrices): prices += marketPrices
                case .failure(let reason): issue("bookmaker \(key), market \(marketKey) skipped: \(reason.text)")
                }
            }
        }
        return prices
    }

    /// All prices of one market, or the first reason the market is unusable.
    private func marketPrices(
        _ market: OddsAPIMarketPayload, key: MarketType, bookmaker: String, header: OddsAPIEventHeader, capturedAt: Date
    ) -> Result<[ImportedPrice], OddsAPIValidation.Reason> {
        let outcomes: [OddsAPILenient<OddsAPIOutcomePayload>]
        switch market.outcomes {
        case .absent: return .failure(.init("outcomes is missing"))
        case .invalid: return .failure(.init("outcomes is not an array"))
        case .value(let value): outcomes = value
        }
        var prices: [ImportedPrice] = []
        var seen: Set<PriceOutcome> = []
        for (position, item) in outcomes.enumerated() {
            guard let outcome = item.value else { return .failure(.init("outcome #\(position + 1) is not an object")) }
            let name: String
            switch OddsAPIValidation.name(outcome.name, "outcome name") {
            case .success(let value): name = value
            case .failure(let reason): return .failure(reason)
            }
            guard let side = Self.side(of: name, market: key, home: header.home, away: header.away) else {
                return .failure(.init("outcome \(OddsAPIValidation.quote(name)) matches neither team"))
            }
            let price: Double
            switch OddsAPIValidation.price(outcome.price) {
            case .success(let value): price = value
            case .failure(let reason): return .failure(.init("\(reason.text) (outcome \(side.rawValue))"))
            }
            var point: Double?
            if key != .h2h {
                switch OddsAPIValidation.point(outcome.point) {
                case .success(let value): point = value
                case .failure(let reason): return .failure(.init("\(reason.text) (outcome \(side.rawValue))"))
                }
            }
            guard seen.insert(side).inserted else { return .failure(.init("duplicate outcome \(side.rawValue)")) }
            prices.append(
                ImportedPrice(
                    bookmakerKey: bookmaker, market: key, outcome: side, point: point, price: price,
                    capturedAt: capturedAt, isClosing: false))
        }
        return .success(prices)
    }

    /// MonPS outcome of an API outcome name: teams by exact (trimmed) name, `Draw` (h2h only),
    /// `Over`/`Under` (totals only).
    static func side(of name: String, market: MarketType, home: String, away: String) -> PriceOutcome? {
        switch market {
        case .totals:
            switch name.lowercased() {
            case "over": return .over
            case "under": return .under
            default: return nil
            }
        case .h2h, .spreads:
            if name == home { return .home }
            if name == away { return .away }
            if market == .h2h, name.lowercased() == "draw" { return .draw }
            return nil
        }
    }

    /// When an event has neither `home_team` nor `away_team` (seen for some individual sports),
    /// the two h2h outcome names are the competitors: put them in alphabetical order, as MonPS
    /// does for tennis, so the slot reveals nothing. `nil` unless exactly two names are found.
    static func teamsFromOutcomes(_ payload: OddsAPIEventPayload) -> (home: String, away: String)? {
        guard case .value(let bookmakers) = payload.bookmakers else { return nil }
        var names: Set<String> = []
        for bookmaker in bookmakers.lazy.compactMap(\.value) {
            for market in (bookmaker.markets.value ?? []).lazy.compactMap(\.value) where market.key.value == "h2h" {
                for outcome in (market.outcomes.value ?? []).lazy.compactMap(\.value) {
                    guard let name = try? OddsAPIValidation.name(outcome.name, "name").get(),
                        name.lowercased() != "draw"
                    else { continue }
                    names.insert(name)
                    if names.count > 2 { return nil }
                }
            }
        }
        guard names.count == 2 else { return nil }
        let sorted = names.sorted()
        return (sorted[0], sorted[1])
    }
}

/// The validated identity of an event, shared by the odds/events and scores mappers.
struct OddsAPIEventHeader {
    var id: String
    var competition: String?
    var home: String
    var away: String
    var startsAt: Date

    /// - Parameter teamFallback: competitors to use when both team fields are absent (only
    ///   evaluated then).
    static func validate(
        _ payload: OddsAPIEventPayload, teamFallback: () -> (home: String, away: String)? = { nil }
    ) -> Result<OddsAPIEventHeader, OddsAPIValidation.Reason> {
        let id: String
        switch OddsAPIValidation.eventID(payload.id) {
        case .success(let value): id = value
        case .failure(let reason): return .failure(reason)
        }
        let home: String
        let away: String
        if case .absent = payload.homeTeam, case .absent = payload.awayTeam, let teamFallback = teamFallback() {
            home = teamFallback.home
            away = teamFallback.away
        } else {
            switch OddsAPIValidation.name(payload.homeTeam, "home_team") {
            case .success(let value): home = value
            case .failure(let reason): return .failure(reason)
            }
            switch OddsAPIValidation.name(payload.awayTeam, "away_team") {
            case .success(let value): away = value
            case .failure(let reason): return .failure(reason)
            }
        }
        if home.lowercased() == away.lowercased() {
            return .failure(.init("home_team and away_team are the same (\(OddsAPIValidation.quote(home)))"))
        }
        guard let startsAt = OddsAPIValidation.date(payload.commenceTime) else {
            return .failure(.init("commence_time is missing or not an ISO 8601 date"))
        }
        // A bad title only loses the competition label, not the event.
        let competition = try? OddsAPIValidation.name(payload.sportTitle, "sport_title").get()
        return .success(OddsAPIEventHeader(id: id, competition: competition, home: home, away: away, startsAt: startsAt))
    }
}
