/// Performance statistics of a betting record. Void bets are excluded from every figure
/// (they were never in action) and only counted in ``voidCount``.
///
/// Definitions (x_j = profit_j / stake_j is the per-bet return):
/// - ``yield`` = Σ profit / Σ stake (on turnover; pushes count in turnover).
/// - ``roi`` = Σ profit / starting bankroll.
/// - ``hitRate`` = Σ hit score / bets graded won, half-won, half-lost or lost; won 1,
///   half-won 0.5, half-lost 0, lost 0; pushes excluded.
/// - ``sharpe`` = mean(x) / sample sd(x) (n − 1, risk-free 0); `nil` for < 2 bets or sd 0.
/// - ``sortino`` = mean(x) / √(Σ min(x_j, 0)² / n) (target 0); `nil` without losses.
/// - Drawdown: the bankroll curve starts at the starting bankroll (0 without one) and adds each
///   bet's profit in ``SettledBet/placedAt`` order; drawdown = running peak − bankroll.
///   ``maxDrawdown`` and ``maxDrawdownPercent`` (drawdown / peak) are maximised independently;
///   the percentage needs a starting bankroll.
/// - ``longestLosingStreak``: most consecutive bets with profit < 0 (a push or win ends it).
public struct PerformanceReport: Sendable, Codable, Hashable {
    /// Bets in action (everything but void).
    public let count: Int
    /// Void bets left out.
    public let voidCount: Int
    /// Bets per outcome (void included), keyed by ``BetOutcome/rawValue``.
    public let outcomes: [String: Int]
    /// Turnover in minor units.
    public let staked: Int64
    /// Gross returns in minor units.
    public let returned: Int64
    /// `returned − staked`.
    public let profit: Int64
    /// Profit / starting bankroll; `nil` without one.
    public let roi: Double?
    /// Profit / turnover; `nil` with no bets.
    public let yield: Double?
    /// See the type's definitions; `nil` when no bet is gradable as a hit or miss.
    public let hitRate: Double?
    /// Arithmetic mean of the decimal odds.
    public let averageOdds: Double?
    /// Mean CLV of the bets that carry one.
    public let averageCLV: Double?
    /// Share of the bets with a CLV whose CLV is > 0 (beat the close).
    public let beatCloseShare: Double?
    /// Bets with a CLV.
    public let clvCount: Int
    /// Sharpe ratio of per-bet returns.
    public let sharpe: Double?
    /// Sortino ratio of per-bet returns.
    public let sortino: Double?
    /// Largest fall from a running peak, in minor units.
    public let maxDrawdown: Int64
    /// Largest fall from a running peak as a share of that peak; `nil` without a bankroll.
    public let maxDrawdownPercent: Double?
    /// Longest run of losing bets.
    public let longestLosingStreak: Int
    /// Tests against chance; `nil` when no bet was won or lost.
    public let significance: SignificanceReport?
}

/// The tests of a record against random betting.
public struct SignificanceReport: Sendable, Codable, Hashable {
    /// The test the headline ``pValue`` comes from.
    public let primaryTest: SignificanceTest
    /// The headline p-value.
    public let pValue: Double
    /// Random-bet resampling test; `nil` when ``PerformanceOptions/resamples`` is 0.
    public let randomBet: RandomBetTest?
    /// Normal approximation on the win count; `nil` when its variance is 0.
    public let winCount: WinCountTest?
}

/// A significance test.
public enum SignificanceTest: String, Sendable, Codable, CaseIterable, Hashable {
    /// Random-bet resampling of the profit.
    case randomBetResampling = "random_bet_resampling"
    /// One-sided normal approximation of the win count.
    case winCountNormal = "win_count_normal"
}

/// Random-bet resampling: each bet (push and void excluded) is redrawn as a win with its implied
/// probability `1/odds` — a zero-expectation bettor at the same prices — with the same stake, a
/// win paying `⌊stake × odds⌋`. `p = (1 + #{resampled profit ≥ observed}) / (resamples + 1)`.
public struct RandomBetTest: Sendable, Codable, Hashable {
    /// Profit of the tested bets in minor units.
    public let observedProfit: Int64
    /// Mean resampled profit in minor units.
    public let meanResampledProfit: Double
    /// Number of resamples.
    public let resamples: Int
    /// Generator seed (``SplitMix64``).
    public let seed: UInt64
    /// One-sided p-value with +1 smoothing.
    public let pValue: Double
}

/// Win-count test: observed hit score `W` against `E = Σ 1/O_j`, variance `V = Σ q_j(1 − q_j)`
/// (Poisson-binomial), `z = (W − E)/√V`, one-sided `p = 1 − Φ(z)`.
public struct WinCountTest: Sendable, Codable, Hashable {
    /// Observed hit score (won 1, half-won 0.5).
    public let observedWins: Double
    /// Expected wins at implied probabilities.
    public let expectedWins: Double
    /// The z statistic.
    public let z: Double
    /// One-sided p-value.
    public let pValue: Double
}
