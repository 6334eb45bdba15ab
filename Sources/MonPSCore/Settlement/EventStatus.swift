/// A score pair in the sport's own unit (goals, points, runs, games or sets, maps).
public struct FinalScore: Sendable, Codable, Hashable {
    /// Home (first-named) side's score.
    public var home: Int
    /// Away (second-named) side's score.
    public var away: Int

    /// Creates a score.
    public init(home: Int, away: Int) {
        self.home = home
        self.away = away
    }

    /// `home − away`.
    public var margin: Int { home - away }
    /// `home + away`.
    public var total: Int { home + away }
}

/// The scores of a completed event on each ``ScoreBasis``.
public struct EventScore: Sendable, Codable, Hashable {
    /// Score at the end of regulation time.
    public var regulation: FinalScore
    /// Final score including overtime / extra innings / shoot-out (as the sport's official result
    /// counts it, e.g. NHL adds one goal for the shoot-out winner). Equals `regulation` when there
    /// was no extra time.
    public var final: FinalScore

    /// A score with extra time; pass `final: nil` (the default) when there was none.
    public init(regulation: FinalScore, final: FinalScore? = nil) {
        self.regulation = regulation
        self.final = final ?? regulation
    }

    /// Convenience for an event decided in regulation time.
    public init(home: Int, away: Int) {
        self.init(regulation: FinalScore(home: home, away: away))
    }

    /// The score that grades a market on `basis`.
    public func score(for basis: ScoreBasis) -> FinalScore {
        basis == .regulation ? regulation : final
    }
}

/// What is known about the event a bet is on.
public enum EventStatus: Sendable, Codable, Hashable {
    /// Not started yet.
    case notStarted
    /// In play.
    case inProgress
    /// Finished with an official score.
    case completed(EventScore)
    /// Cancelled (or abandoned). Void once ``SettlementRules/voidDelaySeconds`` have passed since
    /// the scheduled start; pending before that.
    case cancelled(scheduledStart: Int64)
    /// Postponed. Same rule as cancelled: if it is played within the delay, report it as
    /// `.completed` instead and it settles normally.
    case postponed(scheduledStart: Int64)
    /// Tennis: a player retired (or was disqualified) after the match started; `advancing` is the
    /// player who goes through, `completedSets` the number of sets finished before it.
    case retired(advancing: Side, completedSets: Int)
    /// Tennis: the match never started and `advancing` goes through without playing.
    case walkover(advancing: Side)
    /// An outright result: the winning selection ids (more than one = a dead heat; empty = no
    /// winner declared, bets void).
    case outrightResult(winners: [String])
}

/// A bookmaker's rule for match-winner bets when a tennis match is not completed.
///
/// A **walkover** (no ball played) voids match-winner bets under every policy. Markets other than
/// the match winner (handicaps, totals, 1X2…) are void on any retirement or walkover.
public enum TennisRetirementPolicy: String, Sendable, Codable, CaseIterable, Hashable {
    /// Void unless the match was completed: any retirement voids the bet.
    case voidUnlessCompleted = "void_unless_completed"
    /// The player who advances is the winner once the match has started (retirement).
    case advancingPlayerWins = "advancing_player_wins"
    /// The bet stands, with the advancing player as winner, if at least one set was completed;
    /// a retirement during the first set voids it.
    case completedSetRule = "completed_set_rule"
}

/// Per-bookmaker settlement parameters.
public struct SettlementRules: Sendable, Codable, Hashable {
    /// Seconds after the scheduled start at which bets on a cancelled/postponed event are void.
    public var voidDelaySeconds: Int64
    /// Tennis retirement rule.
    public var tennisRetirement: TennisRetirementPolicy

    /// Defaults: 48 hours (172 800 s) and ``TennisRetirementPolicy/voidUnlessCompleted``.
    public init(
        voidDelaySeconds: Int64 = 172_800,
        tennisRetirement: TennisRetirementPolicy = .voidUnlessCompleted
    ) {
        self.voidDelaySeconds = voidDelaySeconds
        self.tennisRetirement = tennisRetirement
    }
}
