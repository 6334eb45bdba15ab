import Foundation
import MonPSCore

enum BetMarketKind: String, Sendable, CaseIterable, Codable {
    case h2h, spreads, totals
    case drawNoBet = "draw_no_bet"
    case doubleChance = "double_chance"
}

enum BetSelection: String, Sendable, CaseIterable, Codable {
    case home, draw, away, over, under
    case homeOrDraw = "1X"
    case homeOrAway = "12"
    case drawOrAway = "X2"
}

extension BetSelection {
    /// The selection backing a priced outcome.
    init(_ outcome: PriceOutcome) {
        switch outcome {
        case .home: self = .home
        case .draw: self = .draw
        case .away: self = .away
        case .over: self = .over
        case .under: self = .under
        }
    }
}

enum BetStatus: String, Sendable, CaseIterable, Codable {
    case pending, won
    case halfWon = "half_won"
    case push
    case halfLost = "half_lost"
    case lost, void, cancelled

    /// Graded by settlement (cancelled and pending are not).
    var isSettled: Bool { grade != nil }

    /// The grade of a settled bet; `nil` while pending or once cancelled.
    var grade: BetOutcome? {
        switch self {
        case .won: .won
        case .halfWon: .halfWon
        case .push: .push
        case .halfLost: .halfLost
        case .lost: .lost
        case .void: .void
        case .pending, .cancelled: nil
        }
    }
}

enum BetSource: String, Sendable, CaseIterable, Codable {
    case manual, opportunity, `import`
}

/// A bet as stored.
struct BetRecord: Sendable, Equatable {
    var id: UUID
    var userID: UUID
    var bankrollID: UUID
    var eventID: Int64?
    var eventDescription: String?
    var sportKey: String
    var competition: String?
    var line: BetLine
    var bookmaker: String
    var odds: Double
    var stake: Int64
    var potentialReturn: Int64
    var placedAt: Date
    var status: BetStatus
    var settledAt: Date?
    var payout: Int64?
    var profit: Int64?
    var closingOdds: Double?
    var sharpClosingOdds: Double?
    var fairClosingOdds: Double?
    var clv: Double?
    var beatClose: Bool?
    var opportunityID: UUID?
    var agent: String?
    var edgeAtPlacement: Double?
    var fairProbability: Double?
    var suggestedKellyFraction: Double?
    var kellyFractionUsed: Double?
    var tags: [String]
    var notes: String?
    var source: BetSource
    var isLive: Bool
    var createdAt: Date
    var updatedAt: Date
    var version: Int
    /// `placed_at` in exact microseconds (the list's keyset).
    var placedMicros: Int64
}

/// A bet to record, validated (see `BetService.place`).
struct NewBet: Sendable, Equatable {
    var userID: UUID
    var bankrollID: UUID
    var eventID: Int64?
    var eventDescription: String?
    var sportKey: String
    var competition: String?
    var line: BetLine
    var bookmaker: String
    var odds: Double
    var stake: Int64
    var potentialReturn: Int64
    var fairProbability: Double?
    var edgeAtPlacement: Double?
    var suggestedKellyFraction: Double?
    var tags: [String]
    var notes: String?
    var source: BetSource = .manual
    var isLive: Bool
    var opportunityID: UUID? = nil
    /// The agents that found the opportunity, comma-separated.
    var agent: String? = nil
    /// When the bet was made; now unless recorded after the fact (demo data, imported history).
    var placedAt: Date? = nil
}

/// Changes to a pending bet (nil = unchanged), validated.
struct BetChanges: Sendable, Equatable {
    var odds: Double?
    var stake: Int64?
    var tags: [String]?
    /// `.some(nil)` clears the notes.
    var notes: String??

    var isEmpty: Bool { odds == nil && stake == nil && tags == nil && notes == nil }
}

struct BetFilter: Sendable, Equatable {
    var status: BetStatus?
    var sport: String?
    var bookmaker: String?
    var bankrollID: UUID?
    var tag: String?
    var from: Date?
    var to: Date?
}

/// A pending bet of the caller on one event, as the joint Kelly allocation needs it.
struct OpenBetLeg: Sendable, Equatable {
    var line: BetLine
    var odds: Double
    var stake: Int64
    var fairProbability: Double?
}

/// A settled bet's figures for the summary.
struct SummaryBetRow: Sendable, Equatable {
    var status: BetStatus
    var stake: Int64
    var odds: Double
    var payout: Int64
    var placedAt: Date
    var clv: Double?
}

/// What the summary covers.
struct SummaryScope: Sendable, Equatable {
    var from: Date?
    var to: Date?
    var bankrollID: UUID?
    var currency: String?
}

/// The raw figures of a summary scope.
struct SummaryData: Sendable, Equatable {
    var currencies: [String]
    var settled: [SummaryBetRow]
    var placed: Int
    var pending: Int
    var openExposure: Int64
    var initialAmounts: Int64
}
