/// An esports series (best of 1, 3 or 5 maps/games) as the settlement rules need it.
public struct EsportsSeries: Sendable, Codable, Hashable {
    /// One map (game) played, in order, including attempts that did not count.
    public struct Map: Sendable, Codable, Hashable {
        /// Who won it; `nil` for an attempt that was never finished.
        public var winner: Side?
        /// A remake (League of Legends, early restart) or a map replayed from scratch (technical problems): this
        /// attempt does not count; the replay that follows it does.
        public var remade: Bool

        public init(winner: Side?, remade: Bool = false) {
            self.winner = winner
            self.remade = remade
        }
    }

    /// Where the series stands.
    public enum State: Sendable, Codable, Hashable {
        case scheduled
        case live
        /// Played to the end.
        case finished
        /// A side forfeited or was disqualified after the series started; `advancing` goes through.
        case forfeit(advancing: Side)
        /// The series never started; `advancing` goes through without playing.
        case walkover(advancing: Side)
        /// Cancelled or postponed: void after the rules' delay, as every other sport.
        case cancelled(scheduledStart: Int64)
    }

    public var bestOf: Int
    public var maps: [Map]
    public var state: State

    public init(bestOf: Int, maps: [Map] = [], state: State) {
        self.bestOf = bestOf
        self.maps = maps
        self.state = state
    }

    /// Maps that count (finished, not remade), per side.
    public var mapScore: FinalScore {
        let counted = maps.filter { !$0.remade }
        return FinalScore(
            home: counted.filter { $0.winner == .home }.count, away: counted.filter { $0.winner == .away }.count)
    }

    /// Maps a side needs to win the series.
    public var mapsToWin: Int { bestOf / 2 + 1 }
}

/// The esports markets: match (series) winner, map handicap and total maps.
public enum EsportsMarket: Sendable, Codable, Hashable {
    case matchWinner(Side)
    /// `line` added to the backed side's map margin (−1.5: win 2–0 in a best of 3).
    case mapHandicap(Side, line: Double)
    /// Over/under on the number of maps that count.
    case totalMaps(TotalSide, line: Double)

    /// The same bet on the map score (the general ``Settler`` grades it).
    var scoreMarket: BetMarket {
        switch self {
        case .matchWinner(let side): .moneyline(side, basis: .includingOvertime)
        case .mapHandicap(let side, let line): .handicap(side, line: line, basis: .includingOvertime)
        case .totalMaps(let overUnder, let line): .total(overUnder, line: line, basis: .includingOvertime)
        }
    }
}

/// Grades esports bets. The unit of score is the map (game); remade or replayed attempts do not count.
///
/// - Finished series: graded on the map score, which must be a valid result of a best of 1, 3 or 5 (one side has
///   exactly `bestOf/2 + 1` maps, the other fewer); anything else is ``SettlementError/invalidScore``.
/// - Walkover (no map counted, including a forfeit before the first map ends): every market is void.
/// - Forfeit after at least one counted map: the match winner stands with the advancing side as winner (the
///   official result); a map handicap or total stands only if the maps already played decide it whatever the
///   remaining maps would have been, else it is void.
/// - Scheduled or live: pending. Cancelled or postponed: pending until the void delay, then void.
public enum EsportsSettlement {
    public static func settle(
        stake: Int64, decimalOdds: Double, market: EsportsMarket, series: EsportsSeries,
        rules: SettlementRules = SettlementRules(), now: Int64
    ) throws(SettlementError) -> SettlementDecision {
        guard [1, 3, 5].contains(series.bestOf) else { throw .invalidScore }
        let bet = BetSlip(stake: stake, decimalOdds: decimalOdds, market: market.scoreMarket)
        let score = series.mapScore
        let needed = series.mapsToWin
        guard score.home <= needed, score.away <= needed, !(score.home == needed && score.away == needed) else {
            throw .invalidScore
        }
        switch series.state {
        case .scheduled, .live:
            return try Settler.settle(bet, status: .inProgress, rules: rules, now: now)
        case .cancelled(let start):
            return try Settler.settle(bet, status: .cancelled(scheduledStart: start), rules: rules, now: now)
        case .walkover(let advancing):
            return try Settler.settle(bet, status: .walkover(advancing: advancing), rules: rules, now: now)
        case .finished:
            guard max(score.home, score.away) == needed else { throw .invalidScore }
            return try Settler.settle(bet, status: .completed(EventScore(regulation: score)), rules: rules, now: now)
        case .forfeit(let advancing):
            if score.total == 0 {
                return try Settler.settle(bet, status: .walkover(advancing: advancing), rules: rules, now: now)
            }
            if case .matchWinner = market {
                let winner = advancing == .home ? FinalScore(home: 1, away: 0) : FinalScore(home: 0, away: 1)
                return try Settler.settle(bet, status: .completed(EventScore(regulation: winner)), rules: rules, now: now)
            }
            // Every way the series could have ended from here; the bet stands only if they all grade it alike.
            let endings = score.home == needed || score.away == needed ? [score]
                : (score.away..<needed).map { FinalScore(home: needed, away: $0) }
                    + (score.home..<needed).map { FinalScore(home: $0, away: needed) }
            var grades = Set<SettlementDecision>()
            for ending in endings {
                grades.insert(try Settler.settle(bet, status: .completed(EventScore(regulation: ending)), rules: rules, now: now))
            }
            if grades.count == 1, let only = grades.first { return only }
            return try Settler.settle(bet, status: .walkover(advancing: advancing), rules: rules, now: now)
        }
    }
}

extension EsportsSettlement {
    /// Grades from a map score alone, when the series format is not known (a feed or file that sends the score
    /// of counted maps but not whether it was a best of 1, 3 or 5).
    ///
    /// A finished series tells its format (the winner has `bestOf/2 + 1` maps). Otherwise every format the
    /// score still allows is tried, and the bet stands only if they all grade it alike; else it is void (a
    /// forfeit) or as the series itself says (pending, cancelled, walkover: the format does not matter).
    public static func settle(
        stake: Int64, decimalOdds: Double, market: EsportsMarket, mapScore: FinalScore, state: EsportsSeries.State,
        rules: SettlementRules = SettlementRules(), now: Int64
    ) throws(SettlementError) -> SettlementDecision {
        guard mapScore.home >= 0, mapScore.away >= 0 else { throw .invalidScore }
        let maps = Array(repeating: EsportsSeries.Map(winner: .home), count: mapScore.home)
            + Array(repeating: EsportsSeries.Map(winner: .away), count: mapScore.away)
        let leader = max(mapScore.home, mapScore.away)
        let formats: [Int]
        if case .finished = state {
            guard (1...3).contains(leader), min(mapScore.home, mapScore.away) < leader else { throw .invalidScore }
            formats = [2 * leader - 1]
        } else {
            formats = [1, 3, 5].filter { $0 / 2 + 1 > leader }
            guard !formats.isEmpty else { throw .invalidScore }
        }
        var decisions = Set<SettlementDecision>()
        for bestOf in formats {
            decisions.insert(try settle(
                stake: stake, decimalOdds: decimalOdds, market: market,
                series: EsportsSeries(bestOf: bestOf, maps: maps, state: state), rules: rules, now: now))
        }
        if decisions.count == 1, let only = decisions.first { return only }
        // Formats disagree: only a forfeit can get here (the others do not depend on the format).
        return try settle(
            stake: stake, decimalOdds: decimalOdds, market: market,
            series: EsportsSeries(bestOf: formats[0], state: .walkover(advancing: .home)), rules: rules, now: now)
    }
}
