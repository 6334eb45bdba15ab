import Foundation
import MonPSCore

/// A batch's prices made ready for `COPY` before its transaction starts: de-duplicated per series point,
/// reduced to latest and closing lines, and encoded as COPY text except for the two ids only the database
/// knows (event and bookmaker). Planning needs no connection, so the importer plans the next file while
/// PostgreSQL loads the current one and the per-price hashing and number formatting stay off the
/// connection's critical path.
///
/// Latest and closing lines are planned for every event; the writer uses them only for events the load
/// creates (prices of events seen before go through SQL). An event that has started keeps a `latest_odds`
/// row only when its newest price came after the start: otherwise that row would repeat the closing one,
/// and readers take the newer of the two (the `current_odds` view).
struct PricePlan: Sendable {
    /// One price: its event (index in the batch), its bookmaker (index in `bookmakerKeys`) and where the
    /// rest of its COPY row is in `tails`: `market \t outcome \t point \t price \t captured_at`.
    struct Row: Sendable {
        var seq: Int32
        var bookmaker: UInt16
        var tailLength: UInt16
        var tailStart: Int32
    }

    private(set) var bookmakerKeys: [String] = []
    private(set) var tails: [UInt8] = []
    /// Distinct series points, grouped by event in batch order.
    private(set) var series: [Row] = []
    private(set) var latest: [Row] = []
    private(set) var closing: [Row] = []
    /// One instant in each calendar month (UTC) that holds prices: the partitions the batch needs.
    private(set) var monthSamples: [Date] = []
    /// Prices before de-duplication.
    private(set) var priceCount = 0

    init(_ events: [ImportedEvent], now: Date) {
        var planner = Planner(now: now)
        for (seq, event) in events.enumerated() { planner.add(event, seq: Int32(seq)) }
        self = planner.finished
    }

    /// Series identity of a price within one event (the unique index of `odds_snapshots`).
    private struct PointKey: Hashable {
        var bookmaker: UInt16
        var market: MarketType
        var outcome: PriceOutcome
        var capturedAt: Date
        var point: Double?
    }

    /// Identity of a latest/closing line within one event.
    private struct LineKey: Hashable {
        var bookmaker: UInt16
        var market: MarketType
        var outcome: PriceOutcome
    }

    private struct Planner {
        let now: Date
        var plan = PricePlan(empty: ())
        var bookmakerIndex: [String: UInt16] = [:]
        var encoder = CopyTextEncoder(capacity: 1 << 20)
        var months = MonthSamples()
        // Per-event scratch, reused (an event has tens of prices, a file tens of thousands).
        var points = Set<PointKey>()
        var lines: [LineKey: (newest: Int, closing: Int?)] = [:]
        var lastBookmaker: (key: String, index: UInt16)?

        init(now: Date) { self.now = now }

        mutating func add(_ event: ImportedEvent, seq: Int32) {
            points.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            let started = event.startsAt <= now
            let first = plan.series.count
            for price in event.snapshots {
                plan.priceCount += 1
                let bookmaker = index(of: price.bookmakerKey)
                let point = PointKey(
                    bookmaker: bookmaker, market: price.market, outcome: price.outcome, capturedAt: price.capturedAt,
                    point: price.point)
                guard points.insert(point).inserted else { continue }
                months.note(price.capturedAt)
                let row = encode(price, seq: seq, bookmaker: bookmaker)
                plan.series.append(row)
                let position = plan.series.count - 1
                let line = LineKey(bookmaker: bookmaker, market: price.market, outcome: price.outcome)
                var entry = lines[line] ?? (newest: position, closing: nil)
                if isLater(position, than: entry.newest) { entry.newest = position }
                if started, price.capturedAt <= event.startsAt,
                   entry.closing.map({ isLater(position, than: $0) }) ?? true {
                    entry.closing = position
                }
                lines[line] = entry
            }
            guard plan.series.count > first else { return }
            for (_, entry) in lines {
                if let closing = entry.closing { plan.closing.append(plan.series[closing]) }
                if entry.closing != entry.newest { plan.latest.append(plan.series[entry.newest]) }
            }
        }

        /// Same order as the SQL's `ORDER BY captured_at DESC, point`: the later price, and on a tie the lower line.
        private func isLater(_ row: Int, than current: Int) -> Bool {
            guard row != current else { return false }
            let (a, b) = (instants[row], instants[current])
            if a.capturedAt != b.capturedAt { return a.capturedAt > b.capturedAt }
            return (a.point ?? -.infinity) < (b.point ?? -.infinity)
        }

        /// Instant and line of each series row (same index as `plan.series`), for ordering.
        private var instants: [(capturedAt: Date, point: Double?)] = []

        private mutating func encode(_ price: ImportedPrice, seq: Int32, bookmaker: UInt16) -> Row {
            instants.append((price.capturedAt, price.point))
            let start = encoder.readableBytes
            encoder.beginFragment()
            encoder.text(price.market.rawValue)
            encoder.text(price.outcome.rawValue)
            encoder.double(price.point)
            encoder.double(price.price)
            encoder.timestamp(price.capturedAt)
            let length = encoder.readableBytes - start
            return Row(seq: seq, bookmaker: bookmaker, tailLength: UInt16(length), tailStart: Int32(start))
        }

        private mutating func index(of key: String) -> UInt16 {
            if let last = lastBookmaker, last.key == key { return last.index }
            let index: UInt16
            if let known = bookmakerIndex[key] {
                index = known
            } else {
                index = UInt16(plan.bookmakerKeys.count)
                plan.bookmakerKeys.append(key)
                bookmakerIndex[key] = index
            }
            lastBookmaker = (key, index)
            return index
        }

        var finished: PricePlan {
            var result = plan
            result.tails = Array(encoder.buffer.readableBytesView)
            result.monthSamples = months.samples
            return result
        }
    }

    private init(empty: Void) {}

    /// One instant per calendar month (UTC) among those noted.
    struct MonthSamples {
        private var byMonth: [Int: Date] = [:]

        mutating func note(_ instant: Date) {
            let (days, _) = UTCCalendar.split(epochSeconds: Int(instant.timeIntervalSince1970.rounded(.down)))
            let (year, month, _) = UTCCalendar.civil(fromDays: days)
            let key = year * 12 + month
            if byMonth[key] == nil { byMonth[key] = instant }
        }

        var samples: [Date] { byMonth.values.sorted() }
    }
}
