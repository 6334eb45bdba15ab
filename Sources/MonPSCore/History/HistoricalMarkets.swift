import Foundation

/// Turns parsed historical files into the markets `Backtest.run` replays. Pure: no I/O, no clock.
///
/// Per event (with a result) and per market — h2h, every totals line and every spreads line that has
/// a price before the decision — one ``HistoricalMarket``:
/// - **Decision time** = start − ``HistoricalMarketOptions/decisionLead`` (30 min), moved earlier to the
///   first closing price of the event if one is captured before that. 30 min lies between the files'
///   pre-match prices (football-data early prices at start − 48 h, tennis-data/SBR untimed prices at
///   start − 1 h, see ``ImportTiming``) and their closing prices (start − 5 min), so every pre-closing
///   price is visible and no closing price is.
/// - **Quotes** = the pre-closing prices (`isClosing == false`) captured before the decision: per bookmaker
///   and outcome the latest one, earlier ones as history. Closing prices never enter the snapshot. Aggregate keys
///   (`market_max`, `market_avg`, `betbrain_*`) do, marked as aggregates, in a market that at least one individual
///   bookmaker prices (a market priced by aggregates alone is not a market one could bet), with the file's book
///   count (`Bb1X2`…) as the snapshot's ``MonPSCore/MarketSnapshot/aggregateBookCount``: agent A uses them as
///   Kaunitz et al.'s mean and maximum; the other agents leave them out.
/// - **Closing odds** (CLV only) = the sharp bookmaker's closing prices of the same market and line,
///   when it closes every outcome.
/// - **Result**: 1X2/moneyline of a finished event → the winner's index; lines, and match bets of
///   retirements, walkovers and cancellations → graded by the core's `Settler` (football on regulation
///   time, other sports including overtime; tennis retirements void match bets under
///   `TennisRetirementPolicy.voidUnlessCompleted`, walkovers and cancellations void everything).
///
/// Events get ids 1, 2, … in (start, sport, external id) order, so the output does not depend on the
/// order of files; the markets come out in decision-time order.
public enum HistoricalMarkets {
    /// Maps `events` (events of every file, any order).
    public static func map(_ events: [ImportedEvent], options: HistoricalMarketOptions = .init()) -> HistoricalMarketSet {
        var set = HistoricalMarketSet()
        let ordered = events.filter { options.includes($0) }.sorted {
            if $0.startsAt != $1.startsAt { return $0.startsAt < $1.startsAt }
            if $0.sportKey != $1.sportKey { return $0.sportKey < $1.sportKey }
            return $0.externalID < $1.externalID
        }
        set.eventsOutsideFilter = events.count - ordered.count
        var seen = Set<String>()
        var nextID: Int64 = 1
        var mapped: [HistoricalMarket] = []
        for event in ordered {
            // The same file given twice (or two overlapping files) must not double the bets.
            guard seen.insert(event.sportKey + "\u{1}" + event.externalID).inserted else {
                set.duplicateEvents += 1
                continue
            }
            guard let result = event.result, let status = Self.status(result, start: event.startsAt) else {
                set.eventsWithoutResult += 1
                continue
            }
            let markets = Self.markets(of: event, id: nextID, result: result, status: status, options: options)
            set.externalIDs[nextID] = event.externalID
            nextID += 1
            set.events += 1
            if markets.isEmpty { set.eventsWithoutPrices += 1 }
            mapped += markets
        }
        // Stable: ties keep event order, then h2h, totals, spreads by line.
        set.markets = mapped.enumerated().sorted {
            $0.element.decisionTime != $1.element.decisionTime
                ? $0.element.decisionTime < $1.element.decisionTime : $0.offset < $1.offset
        }.map(\.element)
        return set
    }

    /// `market_max`, `market_avg`, `betbrain_max`… are summaries of other bookmakers, not bookmakers.
    public static func isAggregate(_ bookmaker: String) -> Bool {
        bookmaker.hasPrefix("market_") || bookmaker.hasPrefix("betbrain_")
    }

    // MARK: - One event

    static func markets(
        of event: ImportedEvent, id: Int64, result: ImportedResult, status: EventStatus,
        options: HistoricalMarketOptions
    ) -> [HistoricalMarket] {
        let start = event.startsAt
        let firstClosing = event.snapshots.lazy.filter(\.isClosing).map(\.capturedAt).min()
        let decision = min(start.addingTimeInterval(-options.decisionLead), firstClosing ?? .distantFuture)
        let threeWay = event.sportKey.hasPrefix("soccer_")
            || event.snapshots.contains { $0.market == .h2h && $0.outcome == .draw }
        let basis: ScoreBasis = event.sportKey.hasPrefix("soccer_") ? .regulation : .includingOvertime

        // Pre-decision prices and the sharp's closing prices, per market.
        var open: [MarketKey: [ImportedPrice]] = [:]
        var closing: [MarketKey: [ImportedPrice]] = [:]
        for price in event.snapshots {
            guard let key = MarketKey(market: price.market, outcome: price.outcome, point: price.point),
                  options.markets.contains(key.type) else { continue }
            if price.isClosing {
                if price.bookmakerKey == options.sharpBookmaker { closing[key, default: []].append(price) }
            } else if price.capturedAt < decision {
                open[key, default: []].append(price)
            }
        }

        var found: [HistoricalMarket] = []
        for key in open.keys.sorted(by: marketOrder) {
            let outcomes = key.type.outcomes(hasDraw: threeWay)
            guard let marketResult = Self.result(
                key, outcomes: outcomes, result: result, status: status, basis: basis, rules: options.rules)
            else { continue }
            let (quotes, history) = board(open[key]!, outcomes: outcomes)
            guard quotes.contains(where: { !isAggregate($0.bookmaker) }) else { continue }
            let snapshot = MarketSnapshot(
                eventID: id, sport: event.sportKey, market: key, outcomes: outcomes, startsAt: start,
                quotes: quotes, history: history, sharpBookmaker: options.sharpBookmaker,
                aggregateBookCount: event.aggregateBookCounts[key.type])
            found.append(HistoricalMarket(
                snapshot: snapshot, decisionTime: decision, settledAt: start.addingTimeInterval(options.settlementDelay),
                closingOdds: closingOdds(closing[key] ?? [], outcomes: outcomes), result: marketResult))
        }
        return found
    }

    static func marketOrder(_ a: MarketKey, _ b: MarketKey) -> Bool {
        let rank: [MarketType: Int] = [.h2h: 0, .totals: 1, .spreads: 2]
        if a.type != b.type { return rank[a.type]! < rank[b.type]! }
        return (a.line ?? 0) < (b.line ?? 0)
    }

    /// Latest price per bookmaker and outcome as the quote, every earlier one as history (the steam
    /// agent reads the history when a file has several pre-match prices).
    static func board(_ prices: [ImportedPrice], outcomes: [String]) -> ([BookmakerQuote], [PriceObservation]) {
        var latest: [String: [ImportedPrice?]] = [:]
        var history: [PriceObservation] = []
        for price in prices {
            guard let slot = outcomes.firstIndex(of: price.outcome.rawValue) else { continue }
            var row = latest[price.bookmakerKey] ?? Array(repeating: nil, count: outcomes.count)
            if let current = row[slot] {
                let newer = price.capturedAt > current.capturedAt
                    || (price.capturedAt == current.capturedAt && price.price < current.price)
                let older = newer ? current : price
                history.append(PriceObservation(
                    bookmaker: older.bookmakerKey, outcome: slot, decimalOdds: older.price, capturedAt: older.capturedAt))
                if !newer { continue }
            }
            row[slot] = price
            latest[price.bookmakerKey] = row
        }
        let quotes = latest.keys.sorted().map { book in
            BookmakerQuote(
                bookmaker: book, prices: latest[book]!.map { $0.map { PricePoint($0.price, at: $0.capturedAt) } })
        }
        return (quotes, history)
    }

    /// The sharp's closing price of every outcome (the latest when several), else `nil`.
    static func closingOdds(_ prices: [ImportedPrice], outcomes: [String]) -> [Double]? {
        guard !prices.isEmpty else { return nil }
        var odds: [(Date, Double)?] = Array(repeating: nil, count: outcomes.count)
        for price in prices {
            guard let slot = outcomes.firstIndex(of: price.outcome.rawValue) else { continue }
            if let current = odds[slot], current.0 >= price.capturedAt { continue }
            odds[slot] = (price.capturedAt, price.price)
        }
        let values = odds.compactMap { $0?.1 }
        return values.count == outcomes.count ? values : nil
    }

    // MARK: - Results

    /// The event's status in the core's terms; `nil` for a result that cannot grade anything (a retirement or
    /// walkover without the side that goes through).
    static func status(_ result: ImportedResult, start: Date) -> EventStatus? {
        let winner = result.winner.flatMap { Side(rawValue: $0.rawValue) }  // a draw advances nobody
        switch result.status {
        case .finished:
            let final = FinalScore(home: result.homeScore, away: result.awayScore)
            let regulation = result.regulationHome.flatMap { home in
                result.regulationAway.map { FinalScore(home: home, away: $0) }
            } ?? final
            return .completed(EventScore(regulation: regulation, final: final))
        case .retired:
            // Sets finished before the retirement: every set in the score but the one in play.
            return winner.map { EventStatus.retired(advancing: $0, completedSets: max(0, (result.periodScores?.count ?? 1) - 1)) }
        case .walkover:
            return winner.map { EventStatus.walkover(advancing: $0) }
        case .cancelled:
            return .cancelled(scheduledStart: Int64(start.timeIntervalSince1970))
        }
    }

    /// How the market settles; `nil` when the core cannot grade it (e.g. a line off the 0.25 grid).
    static func result(
        _ key: MarketKey, outcomes: [String], result: ImportedResult, status: EventStatus, basis: ScoreBasis,
        rules: SettlementRules
    ) -> MarketResult? {
        let markets: [BetMarket]
        switch key.type {
        case .h2h:
            if case .completed = status, let winner = result.winner, let index = outcomes.firstIndex(of: winner.rawValue) {
                return .winner(index)
            }
            markets = outcomes.count == 3
                ? [.matchResult(.home), .matchResult(.draw), .matchResult(.away)]
                : [.moneyline(.home), .moneyline(.away)]  // a tie is a push
        case .totals:
            guard let line = key.line else { return nil }
            markets = [.total(.over, line: line, basis: basis), .total(.under, line: line, basis: basis)]
        case .spreads:
            guard let line = key.line else { return nil }
            markets = [.handicap(.home, line: line, basis: basis), .handicap(.away, line: -line + 0.0, basis: basis)]
        }
        // A probe bet per outcome: a market the settler rejects would stop the whole backtest later.
        for market in markets {
            let probe = BetSlip(stake: 100, decimalOdds: 2, market: market)
            guard (try? Settler.settle(probe, status: status, rules: rules, now: .max)) != nil else { return nil }
        }
        return .graded(markets: markets, status: status, rules: rules)
    }
}

/// Settings of ``HistoricalMarkets/map(_:options:)``.
public struct HistoricalMarketOptions: Sendable {
    /// Market families replayed.
    public var markets: Set<MarketType>
    /// Reference bookmaker of the agents and of CLV.
    public var sharpBookmaker: String
    /// Decision at start − this (seconds).
    public var decisionLead: TimeInterval
    /// Bets are paid back at start + this (seconds); it only decides when the money is free again.
    public var settlementDelay: TimeInterval
    /// Settlement rules of graded markets (tennis retirements void match bets by default).
    public var rules: SettlementRules
    /// Sport filter: a sport key (`soccer_epl`), its group (`soccer`, `tennis`) or its last part (`epl`, `nhl`).
    public var sport: String?
    /// Events starting at or after this instant.
    public var from: Date?
    /// Events starting before this instant.
    public var until: Date?

    public init(
        markets: Set<MarketType> = Set(MarketType.allCases), sharpBookmaker: String = "pinnacle",
        decisionLead: TimeInterval = 30 * 60, settlementDelay: TimeInterval = 3 * 3600,
        rules: SettlementRules = SettlementRules(), sport: String? = nil, from: Date? = nil, until: Date? = nil
    ) {
        self.markets = markets
        self.sharpBookmaker = sharpBookmaker
        self.decisionLead = decisionLead
        self.settlementDelay = settlementDelay
        self.rules = rules
        self.sport = sport
        self.from = from
        self.until = until
    }

    /// Whether `event` passes the sport and date filters.
    func includes(_ event: ImportedEvent) -> Bool {
        if let from, event.startsAt < from { return false }
        if let until, event.startsAt >= until { return false }
        guard let sport = sport?.lowercased(), !sport.isEmpty else { return true }
        let key = event.sportKey
        return key == sport || key.hasPrefix(sport + "_") || key.hasSuffix("_" + sport)
    }
}

/// The markets of ``HistoricalMarkets/map(_:options:)`` and what was left out.
public struct HistoricalMarketSet: Sendable {
    /// Markets in decision-time order.
    public var markets: [HistoricalMarket] = []
    /// Events mapped (with a usable result).
    public var events = 0
    /// Events skipped: no result, or one that grades nothing (unknown status, retirement without a winner).
    public var eventsWithoutResult = 0
    /// Events given twice (same sport and external id).
    public var duplicateEvents = 0
    /// Events left out by the sport and date filters.
    public var eventsOutsideFilter = 0
    /// Mapped events without any price before the decision (e.g. files with closing prices only).
    public var eventsWithoutPrices = 0
    /// The ``ImportedEvent/externalID`` behind each event id given to the markets.
    public var externalIDs: [Int64: String] = [:]
}
