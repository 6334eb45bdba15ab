/// How far back from now a report on bets counts (`range` of `/v1/bets/summary` and of the analytics endpoints);
/// explicit `from`/`to` dates override it.
enum ReportingRange: String, Sendable, CaseIterable {
    case week = "7d", month = "30d", quarter = "90d", all

    /// Days counted back; `nil` for everything.
    var days: Int? {
        switch self {
        case .week: 7
        case .month: 30
        case .quarter: 90
        case .all: nil
        }
    }
}
