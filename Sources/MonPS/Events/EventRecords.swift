import Foundation
import MonPSCore

/// An event as stored, with its participants and (when known) its result.
struct EventRecord: Sendable, Equatable {
    var id: Int64
    var sportKey: String
    var groupKey: String
    var competition: String?
    var homeID: Int64
    var homeName: String
    var awayID: Int64
    var awayName: String
    var startsAt: Date
    var status: EventState
    var result: EventResultRecord?
}

/// Where an event is in its life (`events.status`).
enum EventState: String, Sendable, CaseIterable {
    case scheduled, live, finished, cancelled, postponed
}

struct EventResultRecord: Sendable, Equatable {
    var homeScore: Int
    var awayScore: Int
    var regulationHome: Int?
    var regulationAway: Int?
    var periodScores: [[Int]]?
    var outcome: ResultOutcome
    var winner: MatchResultSelection?
    var overtime: Bool
    var notes: String?
}

extension EventResultRecord {
    /// `period_scores` as stored (jsonb printed as text): `[[home, away], …]`. Anything else is a broken invariant, not
    /// a result without periods.
    static func periodScores(stored text: String?) throws -> [[Int]]? {
        guard let text else { return nil }
        guard let periods = try? periodsDecoder.decode([[Int]].self, from: Data(text.utf8)) else {
            throw StorageInvariantError.unknownValue(column: "period_scores", value: String(text.prefix(64)))
        }
        return periods
    }

    /// One decoder for every row read, not one per row.
    private static let periodsDecoder = JSONDecoder()
}

struct EventFilter: Sendable, Equatable {
    var sport: String?
    var group: String?
    var competition: String?
    var status: String?
    var from: Date?
    var to: Date?
    /// Already normalised with `ParticipantName.key`.
    var participantKey: String?
    var descending = false
}

/// One bookmaker's price of one outcome.
struct PriceRecord: Sendable, Equatable {
    var bookmaker: String
    var market: MarketType
    var outcome: PriceOutcome
    var point: Double?
    var price: Double
    var capturedAt: Date
    /// Aggregates (market average/maximum) are shown but never "best".
    var aggregate: Bool = false
}

struct EventPrices: Sendable, Equatable {
    var latest: [PriceRecord]
    var closing: [PriceRecord]

    /// The highest price per market, outcome and line among real bookmakers (ties: the earliest key).
    var best: [PriceRecord] {
        var best: [String: PriceRecord] = [:]
        var order: [String] = []
        for price in latest where !price.aggregate {
            let key = "\(price.market.rawValue)|\(price.outcome.rawValue)|\(price.point.map { String($0) } ?? "")"
            if let current = best[key] {
                if price.price > current.price || (price.price == current.price && price.bookmaker < current.bookmaker) {
                    best[key] = price
                }
            } else {
                best[key] = price
                order.append(key)
            }
        }
        return order.compactMap { best[$0] }
    }
}

struct HistoryFilter: Sendable, Equatable {
    var market: MarketType?
    var bookmaker: String?
    var from: Date?
    var to: Date?
}

struct BookmakerRecord: Sendable, Equatable {
    var key: String
    var title: String
    var sharp: Bool
    var aggregate: Bool
}

protocol EventRepository: Sendable {
    /// Events matching `filter` in start order, after the keyset `(after.startsAt, after.id)`, at most `limit`.
    func list(filter: EventFilter, after: (startsAt: Date, id: Int64)?, limit: Int) async throws -> [EventRecord]
    func get(id: Int64) async throws -> EventRecord?
    func prices(eventID: Int64, market: MarketType?) async throws -> EventPrices
    /// Snapshots in (bookmaker, market, outcome, time) order, at most `limit`.
    func history(eventID: Int64, filter: HistoryFilter, limit: Int) async throws -> [PriceRecord]
    func bookmakers(sharp: Bool?, afterKey: String?, limit: Int) async throws -> [BookmakerRecord]
}
