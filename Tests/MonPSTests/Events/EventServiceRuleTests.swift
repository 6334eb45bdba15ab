import Foundation
import MonPSCore
import Synchronization
import Testing

@testable import MonPS

/// The events service's rules over an in-memory repository and a clock the test sets: unknown ids, when an event
/// counts as started, how a line history is grouped and cut, how a participant filter is normalised. The SQL is
/// tested against PostgreSQL in `EventsAPITests`.
@Suite("Event service rules, in memory")
struct EventServiceRuleTests {
    final class InMemoryEvents: EventRepository {
        let event: EventRecord
        let points: [PriceRecord]
        let listed = Mutex<[EventFilter]>([])
        let historyLimits = Mutex<[Int]>([])

        init(event: EventRecord, points: [PriceRecord] = []) {
            self.event = event
            self.points = points
        }

        func list(filter: EventFilter, after: (startsAt: Date, id: Int64)?, limit: Int) async throws -> [EventRecord] {
            listed.withLock { $0.append(filter) }
            return [event]
        }
        func get(id: Int64) async throws -> EventRecord? { id == event.id ? event : nil }
        func prices(eventID: Int64, market: MarketType?) async throws -> EventPrices { EventPrices(latest: [], closing: []) }
        func history(eventID: Int64, filter: HistoryFilter, limit: Int) async throws -> [PriceRecord] {
            historyLimits.withLock { $0.append(limit) }
            return Array(points.prefix(limit))
        }
        func bookmakers(sharp: Bool?, afterKey: String?, limit: Int) async throws -> [BookmakerRecord] { [] }
    }

    static let kickOff = Date(timeIntervalSince1970: 1_800_000_000)
    static let event = EventRecord(
        id: 42, sportKey: "soccer_epl", groupKey: "soccer", competition: "Premier League", homeID: 1, homeName: "Arsenal",
        awayID: 2, awayName: "Chelsea", startsAt: kickOff, status: .scheduled)

    static func price(_ bookmaker: String, _ outcome: PriceOutcome, _ minutes: Double, _ price: Double) -> PriceRecord {
        PriceRecord(
            bookmaker: bookmaker, market: .h2h, outcome: outcome, point: nil, price: price,
            capturedAt: kickOff.addingTimeInterval(-minutes * 60))
    }

    @Test func anUnknownOrImpossibleIdIsNotFound() async throws {
        let service = EventService(repository: InMemoryEvents(event: Self.event), now: { Self.kickOff })
        await #expect(throws: EventError.notFound(7)) { _ = try await service.get(id: 7) }
        await #expect(throws: EventError.notFound(0)) { _ = try await service.odds(eventID: 0, market: nil) }
        await #expect(throws: EventError.notFound(-42)) { _ = try await service.history(eventID: -42, filter: HistoryFilter()) }
        #expect(try await service.get(id: 42) == Self.event)
    }

    @Test func anEventHasStartedFromItsKickOffOnTheProcessClock() async throws {
        let clock = ManualDateClock(Self.kickOff.addingTimeInterval(-1))
        let service = EventService(repository: InMemoryEvents(event: Self.event), now: clock.closure)
        #expect(try await service.odds(eventID: 42, market: nil).started == false)
        clock.advance(seconds: 1)
        #expect(try await service.odds(eventID: 42, market: nil).started == true)
    }

    @Test func aHistoryIsOneSeriesPerBookmakerMarketAndOutcomeInCaptureOrder() async throws {
        let points = [
            Self.price("bet365", .home, 60, 2.1), Self.price("bet365", .home, 30, 2.0), Self.price("bet365", .away, 60, 3.4),
            Self.price("pinnacle", .home, 45, 2.05),
        ]
        let service = EventService(repository: InMemoryEvents(event: Self.event, points: points), now: { Self.kickOff })
        let history = try await service.history(eventID: 42, filter: HistoryFilter())
        #expect(!history.truncated)
        #expect(history.series.map(\.bookmaker) == ["bet365", "bet365", "pinnacle"])
        #expect(history.series.map(\.outcome) == [.home, .away, .home])
        #expect(history.series[0].points.map(\.price) == [2.1, 2.0])
    }

    @Test func aHistoryBeyondTheLimitIsCutAndSaysSo() async throws {
        let points = (0...EventService.historyPointLimit).map { Self.price("bet365", .home, Double($0), 2.0) }
        let repository = InMemoryEvents(event: Self.event, points: points)
        let history = try await EventService(repository: repository, now: { Self.kickOff })
            .history(eventID: 42, filter: HistoryFilter())
        #expect(repository.historyLimits.withLock { $0 } == [EventService.historyPointLimit + 1])
        #expect(history.truncated)
        #expect(history.series.map(\.points.count) == [EventService.historyPointLimit])
    }

    @Test func aParticipantFilterMatchesTheNormalisedName() async throws {
        let repository = InMemoryEvents(event: Self.event)
        let service = EventService(repository: repository, now: { Self.kickOff })
        _ = try await service.list(EventFilter(), participant: "  Arsenal FC ", after: nil, limit: 10)
        _ = try await service.list(EventFilter(), participant: "   ", after: nil, limit: 10)
        let keys = repository.listed.withLock { $0.map(\.participantKey) }
        #expect(keys == [ParticipantName.key("Arsenal FC"), nil])
    }
}
