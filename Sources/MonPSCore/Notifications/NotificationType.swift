/// What a notification is about. The raw values are the `type` of the event log and of the API.
public enum NotificationType: String, Sendable, CaseIterable, Codable {
    /// A new opportunity with an edge at or above the user's alert threshold.
    case opportunityNew = "opportunity.new"
    /// A pending bet's event starts within 30 minutes.
    case betKickoffSoon = "bet.kickoff_soon"
    /// A bet was settled: status, payout and profit.
    case betSettled = "bet.settled"
    /// A bet's closing line value was computed.
    case betCLV = "bet.clv"
    /// A backtest the user queued finished (or failed).
    case backtestFinished = "backtest.finished"
    /// The optional daily summary.
    case digestDaily = "digest.daily"
    /// A background job failed (admins).
    case jobFailed = "job.failed"
    /// The Odds API credits left fell under the reserve (admins).
    case quotaLow = "quota.low"

    /// Types only administrators receive.
    public var isAdminOnly: Bool {
        switch self {
        case .jobFailed, .quotaLow: true
        default: false
        }
    }
}

/// Where a notification can go besides the event log (which always has it).
public enum NotificationChannel: String, Sendable, CaseIterable, Codable, Comparable {
    case websocket, webhook, email

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
