import Foundation
import Testing

@testable import MonPSCore

/// The agents' comparison from graded picks: who counts which pick, the consensus line, the verdict lines, the
/// periods and the backtest column. Pure: no database.
@Suite("Agent comparison")
struct AgentComparisonTests {
    static let november = Date(timeIntervalSince1970: 1_794_700_800)  // 2026-11-15T00:00:00Z
    static let december = Date(timeIntervalSince1970: 1_796_601_600)  // 2026-12-07T00:00:00Z (a Monday: ISO week 50)

    static func pick(
        _ agents: [String], _ grade: BetOutcome, odds: Double = 2.0, verdict: Verdict?, at: Date, probability: Double = 0.5
    ) -> AgentComparison.Pick {
        let stake = AgentComparison.paperStake
        let payout: Int64 =
            switch grade {
            case .won: Int64((Double(stake) * odds).rounded())
            case .void, .push: stake
            default: 0
            }
        return AgentComparison.Pick(
            agents: agents, sport: "soccer_epl", market: "h2h", odds: odds, stake: stake, payout: payout, grade: grade,
            clv: nil, fairProbability: probability, verdict: verdict, at: at)
    }

    static let live = [
        pick(["sharp_value", "steam"], .won, verdict: .analyze, at: november, probability: 0.6),
        pick(["sharp_value"], .lost, verdict: .caution, at: december, probability: 0.4),
        pick(["steam"], .void, verdict: .analyze, at: december, probability: 0.9),
    ]

    static func comparison(period: AgentComparison.Period = .month) -> AgentComparison {
        let backtest = AgentComparison.BacktestPicks(
            id: UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!, bankroll: 10_000, finishedAt: december,
            picks: [pick(["sharp_value"], .won, odds: 3.0, verdict: nil, at: november)])
        return AgentComparison.build(
            agents: [(id: "sharp_value", title: "B — sharp value", enabled: true), (id: "steam", title: "C — steam", enabled: false)],
            weights: ["sharp_value": 1.2], live: live, backtests: ["sharp_value": backtest], period: period)
    }

    @Test func eachAgentCountsItsOwnPicksAndTheConsensusTheAnalyzeVerdicts() throws {
        let lines = Self.comparison().agents
        #expect(lines.map(\.agent) == ["sharp_value", "steam", "consensus"])
        #expect(lines.map(\.weight) == [1.2, 1, nil])
        #expect(lines.map(\.enabled) == [true, false, true])
        let sharp = try #require(lines[0].live.report)
        #expect(sharp.count == 2 && sharp.staked == 200 && sharp.profit == 0)
        // The expected hit rate is the mean fair probability of the picks in action (the void one is not).
        #expect(lines[0].live.expectedHitRate == 0.5)
        #expect(lines[1].live.report?.voidCount == 1)
        #expect(lines[1].live.expectedHitRate == 0.6)
        let consensus = try #require(lines[2].live.report)
        #expect(consensus.count == 1 && consensus.voidCount == 1 && consensus.profit == 100)
    }

    @Test func theBacktestColumnIsTheStrategysLatestRunOnItsOwnBankroll() throws {
        let lines = Self.comparison().agents
        #expect(lines[0].backtestID == UUID(uuidString: "00000000-0000-0000-0000-00000000000B"))
        #expect(lines[0].backtest?.report?.profit == 200)
        #expect(lines[1].backtest == nil && lines[1].backtestID == nil)
    }

    @Test func periodsAreLabelledAndSortedAndVerdictsHaveTheirOwnLines() {
        let comparison = Self.comparison()
        #expect(comparison.agents[0].periods.map(\.period) == ["2026-11", "2026-12"])
        #expect(comparison.agents[0].periods[0].backtest?.report?.count == 1)
        #expect(comparison.agents[0].periods[1].backtest == nil)
        #expect(comparison.verdicts.map(\.verdict) == [.analyze, .caution])
        #expect(comparison.verdicts[1].stats.report?.profit == -100)
        #expect(AgentComparison.Period.week.label(Self.december) == "2026-W50")
        #expect(AgentComparison.Period.quarter.label(Self.november) == "2026-Q4")
        #expect(Self.comparison(period: .quarter).agents[0].periods.map(\.period) == ["2026-Q4"])
    }
}
