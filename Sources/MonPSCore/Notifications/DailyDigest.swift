import Foundation

/// When a bettor's `digest.daily` goes out: once a day, from `sendHour` local time, about the local day before.
public struct DigestSchedule: Sendable, Equatable {
    /// Local hour from which yesterday's digest is due.
    public var sendHour: Int

    public init(sendHour: Int = 8) { self.sendHour = sendHour }

    /// The local day before `now` in `timeZone` once the local clock has reached `sendHour`; nil before that.
    /// The day's instants come from the calendar, so a DST change gives a 23- or 25-hour day.
    public func dueDay(at now: Date, in timeZone: TimeZone) -> DigestDay? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard calendar.component(.hour, from: now) >= sendHour else { return nil }
        let todayStart = calendar.startOfDay(for: now)
        guard let inYesterday = calendar.date(byAdding: .hour, value: -12, to: todayStart) else { return nil }
        let start = calendar.startOfDay(for: inYesterday)
        let day = calendar.dateComponents([.year, .month, .day], from: start)
        guard let year = day.year, let month = day.month, let dayOfMonth = day.day else { return nil }
        let label = String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
        return DigestDay(date: label, start: start, end: todayStart)
    }
}

/// A local calendar day: its `yyyy-MM-dd` label and the instants it spans (`start` included, `end` excluded).
public struct DigestDay: Sendable, Equatable {
    public let date: String
    public let start: Date
    public let end: Date

    public init(date: String, start: Date, end: Date) {
        self.date = date
        self.start = start
        self.end = end
    }
}

/// What `digest.daily` tells a bettor about one local day (the event's payload).
public struct DailyDigest: Sendable, Equatable, Codable {
    /// Settled bets of one currency (bankrolls keep their own currency; amounts are never added across them).
    public struct CurrencyTotal: Sendable, Equatable, Codable {
        public var currency: String
        public var settled: Int
        /// Minor units.
        public var staked: Int64
        public var profit: Int64

        public init(currency: String, settled: Int, staked: Int64, profit: Int64) {
            self.currency = currency
            self.settled = settled
            self.staked = staked
            self.profit = profit
        }
    }

    public var date: String
    public var timeZone: String
    public var betsPlaced = 0
    public var betsSettled = 0
    /// Won and half won.
    public var won = 0
    /// Lost and half lost.
    public var lost = 0
    /// Void and push.
    public var void = 0
    /// Pending bets when the digest was written.
    public var pending = 0
    public var totals: [CurrencyTotal] = []
    /// Mean CLV of the day's settled bets that have one, and how many did.
    public var averageCLV: Double?
    public var clvBets = 0
    /// Opportunities first detected that day that match the bettor's alert preferences.
    public var opportunities = 0

    public init(date: String, timeZone: String) {
        self.date = date
        self.timeZone = timeZone
    }

    /// A day without bets or matching opportunities sends nothing.
    public var isEmpty: Bool { betsPlaced == 0 && betsSettled == 0 && opportunities == 0 }

    enum CodingKeys: String, CodingKey {
        case date, won, lost, void, pending, totals, opportunities
        case timeZone = "time_zone"
        case betsPlaced = "bets_placed"
        case betsSettled = "bets_settled"
        case averageCLV = "average_clv"
        case clvBets = "clv_bets"
    }
}
