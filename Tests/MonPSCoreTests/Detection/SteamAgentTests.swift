import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: agent C, line movement (steam)")
struct SteamAgentTests {
    typealias F = DetectionFixtures

    /// Sharp 1X2 at −90 min 4/2/4 (p = 0.25/0.5/0.25 exactly), at −30 min 2/4/4 (0.5/0.25/0.25):
    /// home rose by exactly 0.25 in one hour. bet365 still offers 2.5 on home (edge 0.5·2.5 − 1 =
    /// 0.25), unibet has followed (1.9: edge −0.05), and an aggregate lags too.
    static func market() -> MarketSnapshot {
        F.threeWay(
            [
                F.quote("pinnacle", [2.0, 4.0, 4.0], at: F.minutes(-30)),
                F.quote("bet365", [2.5, 3.5, 3.5], at: F.minutes(-100)),
                F.quote("unibet", [1.9, 3.6, 3.6], at: F.minutes(-20)),
                F.quote("market_max", [2.6, 4.0, 4.0], at: F.minutes(-20)),
            ],
            history: F.rows("pinnacle", [4.0, 2.0, 4.0], at: F.minutes(-90)))
    }

    static func agent(move: Double = 0.03, edge: Double = 0.02, window: TimeInterval = 7200) -> SteamAgent {
        SteamAgent(configuration: .init(moveThreshold: move, window: window, edgeThreshold: edge))
    }

    @Test func theMoveIsMeasuredFromTheLowInsideTheWindow() {
        let moves = Self.agent().moves(in: Self.market(), at: F.now)
        #expect(moves.count == 3)
        #expect(moves[0] == SteamAgent.Move(outcome: 0, from: 0.25, fromTime: F.minutes(-90), to: 0.5, toTime: F.minutes(-30)))
        #expect(moves[0].size == 0.25)
        #expect(moves[1].size == 0)  // the draw fell: its low is now
        #expect(moves[2].size == 0)
    }

    @Test func aMoveExactlyAtTheThresholdIsNotSteam() {
        #expect(Self.agent(move: 0.25).signals(for: Self.market(), at: F.now).isEmpty)
    }

    @Test func aMoveAboveTheThresholdSignalsTheLaggingBookmaker() throws {
        let signals = Self.agent(move: 0.2499, edge: 0.25).signals(for: Self.market(), at: F.now)
        #expect(signals.count == 1)
        let signal = try #require(signals.first)
        #expect(signal.agent == .steam && signal.bookmaker == "bet365" && signal.outcomeIndex == 0)
        #expect(signal.decimalOdds == 2.5 && signal.fairProbability == 0.5 && signal.edge == 0.25)
        // Edge exactly at the edge threshold counts; just above it does not.
        #expect(Self.agent(move: 0.2499, edge: 0.2501).signals(for: Self.market(), at: F.now).isEmpty)
        #expect(
            signal.reason
                == "pinnacle's fair probability of home rose from 25.00% to 50.00% (+25.00 points) over 1 h; "
                + "bet365 still offers 2.50 (implied 40.00%, price 1 h 40 min old): edge +25.00% ≥ 25.00%.")
    }

    @Test func confidenceCombinesEdgeAndMoveSize() throws {
        // Default thresholds: move 0.25 ≥ 2 × 0.03 so the move factor is 1.
        let signal = try #require(Self.agent().signals(for: Self.market(), at: F.now).first)
        expectClose(signal.confidence, 0.25 / 0.30, 1e-15)
        // Move threshold 0.2: factor 0.25/0.4 = 0.625.
        let half = try #require(Self.agent(move: 0.2).signals(for: Self.market(), at: F.now).first)
        expectClose(half.confidence, 0.25 / 0.30 * 0.625, 1e-15)
    }

    @Test func aMoveBeforeTheWindowIsNotSteam() {
        // A 20-minute window starts at −20 min, after the move (−30 min): nothing moved inside it.
        #expect(Self.agent(window: 1200).signals(for: Self.market(), at: F.now).isEmpty)
        // A 40-minute window starts at −40: the state then was still 4/2/4, so the move is inside.
        #expect(Self.agent(window: 2400).signals(for: Self.market(), at: F.now).map(\.bookmaker) == ["bet365"])
    }

    @Test func withoutASharpMarketThereIsNoMove() {
        var market = Self.market()
        market.sharpBookmaker = "circa"
        #expect(Self.agent().moves(in: market, at: F.now).isEmpty)
        #expect(Self.agent().signals(for: market, at: F.now).isEmpty)
    }

    @Test func futurePricesAndOrderChangeNothing() {
        let market = Self.market()
        let expected = Self.agent().signals(for: market, at: F.now)
        #expect(expected.count == 1)
        // The sharp moving back after the decision, later rows of every book: all ignored.
        var later = F.withFuture(market)
        later.history += F.rows("pinnacle", [4.0, 2.0, 4.0], at: F.minutes(5))
        #expect(Self.agent().signals(for: later, at: F.now) == expected)
        #expect(Self.agent().signals(for: F.shuffled(later, seed: 9), at: F.now) == expected)
        // Before the move there is nothing to see.
        #expect(Self.agent().signals(for: market, at: F.minutes(-31)).isEmpty)
    }
}
