import Foundation

/// The market families MonPS stores (raw values are the stored `market` keys).
public enum MarketType: String, Sendable, Codable, CaseIterable, Hashable {
    /// Head to head: 1X2 or two-way moneyline.
    case h2h
    /// Point spread / Asian handicap at one line.
    case spreads
    /// Over/under at one line.
    case totals
}

/// The outcome a price is for (the stored `outcome` keys): h2h `home`/`draw`/`away`, spreads `home`/`away`,
/// totals `over`/`under`.
public enum PriceOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    case home, draw, away, over, under

    /// The outcomes a market family can have (`draw` only in a three-way h2h).
    public static func allowed(in market: MarketType) -> Set<PriceOutcome> {
        switch market {
        case .h2h: [.home, .draw, .away]
        case .spreads: [.home, .away]
        case .totals: [.over, .under]
        }
    }
}

/// One market of an event: its family and, for spreads and totals, the line.
///
/// Spreads carry the first outcome's (home) handicap, totals the total; h2h has no line. A market at
/// another line is another market, so every snapshot prices exactly one set of exclusive outcomes.
public struct MarketKey: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The family.
    public var type: MarketType
    /// The line (`nil` for h2h).
    public var line: Double?

    /// Creates a market key.
    public init(_ type: MarketType, line: Double? = nil) {
        self.type = type
        self.line = line
    }

    /// The h2h market.
    public static let h2h = MarketKey(.h2h)

    /// `"h2h"`, `"spreads -1.5"`, `"totals 2.5"`.
    public var description: String {
        line.map { "\(type.rawValue) \($0)" } ?? type.rawValue
    }
}

/// A price and when it was captured.
public struct PricePoint: Sendable, Codable, Hashable {
    /// Decimal odds (> 1 to be used; invalid prices are ignored by every agent).
    public var decimalOdds: Double
    /// When the price was seen on offer.
    public var capturedAt: Date

    /// Creates a price point.
    public init(_ decimalOdds: Double, at capturedAt: Date) {
        self.decimalOdds = decimalOdds
        self.capturedAt = capturedAt
    }
}

/// One bookmaker's latest known prices of a market.
public struct BookmakerQuote: Sendable, Codable, Hashable {
    /// Bookmaker key (`pinnacle`, `bet365`…).
    public var bookmaker: String
    /// One slot per outcome of the snapshot, in its order; `nil` where the outcome is not offered.
    public var prices: [PricePoint?]

    /// Creates a quote.
    public init(bookmaker: String, prices: [PricePoint?]) {
        self.bookmaker = bookmaker
        self.prices = prices
    }
}

/// One historical price of one outcome at one bookmaker (a row of the odds history).
public struct PriceObservation: Sendable, Codable, Hashable {
    /// Bookmaker key.
    public var bookmaker: String
    /// Index of the outcome in ``MarketSnapshot/outcomes``.
    public var outcome: Int
    /// The price and its capture time.
    public var price: PricePoint

    /// Creates an observation.
    public init(bookmaker: String, outcome: Int, decimalOdds: Double, capturedAt: Date) {
        self.bookmaker = bookmaker
        self.outcome = outcome
        self.price = PricePoint(decimalOdds, at: capturedAt)
    }
}

/// Everything the agents may know about one market of one event.
///
/// Current quotes and history are two views of the same thing: agents never read them directly
/// but through ``board(at:maxAge:only:)``, which keeps for each bookmaker and outcome the latest
/// price captured at or before the decision time. That single rule is what makes every agent free
/// of look-ahead, so the integrator may pass rows captured after the decision time (they are
/// ignored) and history in any order.
public struct MarketSnapshot: Sendable, Codable, Hashable {
    /// Event id (the stored `events.id`).
    public var eventID: Int64
    /// Sport key, for per-sport track records; optional.
    public var sport: String?
    /// The market.
    public var market: MarketKey
    /// Outcome names in a fixed order (`home`, `draw`, `away` / `over`, `under`…); prices index it.
    public var outcomes: [String]
    /// Scheduled start, informational.
    public var startsAt: Date?
    /// Latest prices per bookmaker.
    public var quotes: [BookmakerQuote]
    /// Earlier prices (any order); optional, needed by the line-movement agent.
    public var history: [PriceObservation]
    /// The reference bookmaker whose de-vigged prices are taken as fair (e.g. `pinnacle`).
    public var sharpBookmaker: String?
    /// Keys that are not bookmakers one can bet with (market average/maximum): never used.
    public var aggregateBookmakers: Set<String>
    /// How many bookmakers the aggregates summarise (football-data's `Bb1X2`), when the source says.
    public var aggregateBookCount: Int?

    /// Creates a snapshot.
    public init(
        eventID: Int64, sport: String? = nil, market: MarketKey = .h2h, outcomes: [String],
        startsAt: Date? = nil, quotes: [BookmakerQuote] = [], history: [PriceObservation] = [],
        sharpBookmaker: String? = "pinnacle",
        aggregateBookmakers: Set<String> = ["market_avg", "market_max", "betbrain_avg", "betbrain_max"],
        aggregateBookCount: Int? = nil
    ) {
        self.eventID = eventID
        self.sport = sport
        self.market = market
        self.outcomes = outcomes
        self.startsAt = startsAt
        self.quotes = quotes
        self.history = history
        self.sharpBookmaker = sharpBookmaker
        self.aggregateBookmakers = aggregateBookmakers
        self.aggregateBookCount = aggregateBookCount
    }

    /// `true` for the market average/maximum style keys.
    public func isAggregate(_ bookmaker: String) -> Bool {
        aggregateBookmakers.contains(bookmaker)
    }

    /// The same snapshot without any price captured at or after `time`: what was knowable strictly
    /// before it (the backtest decides on this view).
    public func truncated(before time: Date) -> MarketSnapshot {
        var copy = self
        copy.quotes = quotes.map { quote in
            BookmakerQuote(
                bookmaker: quote.bookmaker,
                prices: quote.prices.map { point in point.flatMap { $0.capturedAt < time ? $0 : nil } })
        }
        copy.history = history.filter { $0.price.capturedAt < time }
        return copy
    }
}
