import Foundation

// The normalised records every historical-odds parser produces. Parsers are pure functions from
// file bytes to these values (no I/O, no database); the loader maps them to rows.
//
// Conventions shared by all parsers (each parser's doc comment adds its own):
// - `ImportedEvent.home`/`away`: the names exactly as written in the file (trimmed). Tennis has no
//   home side: the two players are put in alphabetical order (see ``TennisDataParser``) so the slot
//   never reveals the winner.
// - Prices are decimal odds > 1.0; American odds are converted with MonPSCore (`Odds`).
// - `capturedAt` is derived from `startsAt` with ``ImportTiming`` (the files carry no timestamps):
//   early prices at start − 48 h, prices of unknown timing at start − 1 h, closing at start − 5 min.
// - Bad values never abort a file: they become ``ImportIssue``s (see ``ImportIssue/Effect``).

/// Where a file comes from; selects the parser.
public enum ImportSource: String, Sendable, Codable, CaseIterable {
    case footballData = "football-data"
    case tennisData = "tennis-data"
    case sbr = "sbr"
    case genericCSV = "csv"
}

/// One match/game with its prices and (when played) its result.
public struct ImportedEvent: Sendable, Equatable {
    /// MonPS catalogue key, e.g. `soccer_epl`, `tennis_atp`, `icehockey_nhl`, `esports_lol`.
    public var sportKey: String
    /// League code (football, e.g. `E0`, `IRL`), tournament name (tennis), league (SBR: `NHL`…).
    public var competition: String?
    /// Home team / first player (see the file-level conventions above).
    public var home: String
    /// Away team / second player.
    public var away: String
    /// Scheduled start, UTC. Each parser documents its default time of day when the file has none.
    public var startsAt: Date
    /// Stable id within the source; parsing the same bytes again yields the same id (idempotency
    /// key). When two rows of one file would get the same id, later ones get `#2`, `#3`… suffixes.
    public var externalID: String
    /// Prices, in a deterministic order (file column order; early before closing).
    public var snapshots: [ImportedPrice]
    /// Lines quoted **without** a price (SBR NBA spreads/totals). Not bettable, but they are the
    /// opening/closing line information of the file; empty for every other source.
    public var quotedLines: [ImportedLine]
    /// The result, when the file gives one.
    public var result: ImportedResult?
    /// 1-based line of the (first) row of this event in the file.
    public var sourceLine: Int
    /// How many bookmakers the aggregate prices summarise, per market (`h2h`, `totals`, `spreads`), when the file
    /// says (football-data's `Bb1X2`, `BbOU`, `BbAH`); not stored, read by the backtest's agent A.
    public var aggregateBookCounts: [MarketType: Int]

    public init(
        sportKey: String, competition: String?, home: String, away: String, startsAt: Date,
        externalID: String, snapshots: [ImportedPrice], quotedLines: [ImportedLine] = [],
        result: ImportedResult?, sourceLine: Int, aggregateBookCounts: [MarketType: Int] = [:]
    ) {
        self.sportKey = sportKey
        self.competition = competition
        self.home = home
        self.away = away
        self.startsAt = startsAt
        self.externalID = externalID
        self.snapshots = snapshots
        self.quotedLines = quotedLines
        self.result = result
        self.sourceLine = sourceLine
        self.aggregateBookCounts = aggregateBookCounts
    }
}

/// One bookmaker price of one outcome at one moment.
public struct ImportedPrice: Sendable, Equatable {
    /// Stable bookmaker key (tables in ``FootballDataParser``, ``TennisDataParser``; SBR: `sbr`).
    public var bookmakerKey: String
    public var market: MarketType
    /// One of ``PriceOutcome/allowed(in:)`` of the market.
    public var outcome: PriceOutcome
    /// Spreads: handicap from this outcome's side (home −0.75 ⇒ away +0.75); totals: the line.
    public var point: Double?
    /// Decimal odds > 1.0.
    public var price: Double
    /// When the price was (nominally) taken; see ``ImportTiming``.
    public var capturedAt: Date
    /// `true` for closing prices (last price before the start).
    public var isClosing: Bool

    public init(
        bookmakerKey: String, market: MarketType, outcome: PriceOutcome, point: Double? = nil, price: Double,
        capturedAt: Date, isClosing: Bool
    ) {
        self.bookmakerKey = bookmakerKey
        self.market = market
        self.outcome = outcome
        self.point = point
        self.price = price
        self.capturedAt = capturedAt
        self.isClosing = isClosing
    }
}

/// A line (spread or total) that the file quotes without a price (SBR NBA archives).
public struct ImportedLine: Sendable, Equatable {
    public var bookmakerKey: String
    /// `spreads` or `totals`.
    public var market: MarketType
    /// spreads: `home`/`away` (the point is from that side); totals: `over`/`under`.
    public var outcome: PriceOutcome
    public var point: Double
    public var capturedAt: Date
    public var isClosing: Bool

    public init(
        bookmakerKey: String, market: MarketType, outcome: PriceOutcome, point: Double, capturedAt: Date,
        isClosing: Bool
    ) {
        self.bookmakerKey = bookmakerKey
        self.market = market
        self.outcome = outcome
        self.point = point
        self.capturedAt = capturedAt
        self.isClosing = isClosing
    }
}

/// How an event ended (`event_results.outcome`).
public enum ResultOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// Played to the end.
    case finished
    /// Abandoned by a side after it started (tennis: retirement).
    case retired
    /// Awarded before it started.
    case walkover
    case cancelled
}

/// The result of an event as the file states it.
public struct ImportedResult: Sendable, Equatable {
    /// Football: full-time goals; tennis: sets won; SBR: final score (incl. OT / extra innings).
    public var homeScore: Int
    public var awayScore: Int
    /// Score at the end of regulation: football (IRL included) = full time; NHL = sum of the
    /// three periods; NBA = sum of the four quarters; `nil` when unknown (tennis, MLB, generic CSV).
    public var regulationHome: Int?
    public var regulationAway: Int?
    /// `[home, away]` per part: football half time `[[hthg, htag]]`; tennis games per set;
    /// NHL periods; NBA quarters; MLB innings (`x` = did not bat = 0).
    public var periodScores: [[Int]]?
    public var status: ResultOutcome
    /// `nil` when there is none (cancelled).
    public var winner: MatchResultSelection?
    /// Free text from the file (tennis `Comment`) or about the score.
    public var notes: String?

    public init(
        homeScore: Int, awayScore: Int, regulationHome: Int? = nil, regulationAway: Int? = nil,
        periodScores: [[Int]]? = nil, status: ResultOutcome, winner: MatchResultSelection?, notes: String? = nil
    ) {
        self.homeScore = homeScore
        self.awayScore = awayScore
        self.regulationHome = regulationHome
        self.regulationAway = regulationAway
        self.periodScores = periodScores
        self.status = status
        self.winner = winner
        self.notes = notes
    }
}

/// A problem with one row (or one value of a row) of a file.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    /// What the parser did about it.
    public enum Effect: String, Sendable, Equatable, CaseIterable {
        /// The whole row (event) was skipped: bad date, missing team, wrong column count…
        case rowSkipped = "row_skipped"
        /// Only the value named in `reason` was dropped (a price ≤ 1.0 or non-numeric, an
        /// unusable result); the rest of the row was imported.
        case valueSkipped = "value_skipped"
        /// Imported unchanged but worth a look (an implausible moneyline, a repaired score).
        case warning = "warning"
    }

    /// 1-based line in the file.
    public var line: Int
    public var reason: String
    public var effect: Effect

    public init(line: Int, reason: String, effect: Effect) {
        self.line = line
        self.reason = reason
        self.effect = effect
    }

    public var description: String { "line \(line): \(reason) [\(effect.rawValue)]" }
}

/// The outcome of parsing one file.
public struct ParsedFile: Sendable, Equatable {
    /// Events in file order.
    public var events: [ImportedEvent]
    /// Issues in line order.
    public var issues: [ImportIssue]
    /// Data rows read (header and blank lines excluded; SBR: two rows per game).
    public var rowCount: Int

    public init(events: [ImportedEvent], issues: [ImportIssue], rowCount: Int) {
        self.events = events
        self.issues = issues
        self.rowCount = rowCount
    }

    /// Number of price snapshots over all events.
    public var snapshotCount: Int { events.reduce(0) { $0 + $1.snapshots.count } }
}

/// A file that cannot be imported at all (the per-row problems are ``ImportIssue``s instead).
public struct ImportFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A parser of one historical file format.
public protocol HistoricalFileParser: Sendable {
    static var source: ImportSource { get }
    /// Parses a whole file. `fileName` (no directory needed) may carry information (season, tour).
    /// - Throws: ``ImportFileError`` only when the file as a whole is unusable (not text, no header,
    ///   unknown layout); row problems are reported in ``ParsedFile/issues``.
    func parse(_ bytes: [UInt8], fileName: String) throws(ImportFileError) -> ParsedFile
}
