import Foundation
import Testing

@testable import MonPSCore

@Suite("Detection: agent D, track record")
struct TrackRecordTests {
    typealias F = DetectionFixtures

    @Test func shrunkScoreGivesTheDocumentedWeight() {
        let weighting = TrackRecordWeighting()
        // 0.5·(100/600)·0.06 + 0.5·(100/200)·0.03 = 0.005 + 0.0075 = 0.0125 → 1 + 10·0.0125.
        expectClose(weighting.weight(for: AgentRecord(bets: 100, roi: 0.06, averageCLV: 0.03)), 1.125, 1e-12)
        // Without CLV only the shrunk ROI counts: (100/600)·0.06 = 0.01 → 1.1.
        expectClose(weighting.weight(for: AgentRecord(bets: 100, roi: 0.06)), 1.1, 1e-12)
        // The same ROI on 10 000 bets counts almost fully: (10000/10500)·0.06 → 1.5714.
        expectClose(weighting.weight(for: AgentRecord(bets: 10_000, roi: 0.06)), 1 + 10 * 0.06 * 10_000 / 10_500, 1e-12)
    }

    @Test func noHistoryIsNeutralAndWeightsAreBounded() {
        let weighting = TrackRecordWeighting()
        #expect(weighting.weight(for: nil) == 1)
        #expect(weighting.weight(for: AgentRecord(bets: 0, roi: 0.5)) == 1)
        #expect(weighting.weight(for: AgentRecord(bets: 100_000, roi: -0.5, averageCLV: -0.2)) == 0)
        #expect(weighting.weight(for: AgentRecord(bets: 100_000, roi: 0.5, averageCLV: 0.2)) == 2)
        // A lucky streak of 10 bets at +80% moves the weight only a little: (10/510)·0.8·10 ≈ 0.157.
        expectClose(weighting.weight(for: AgentRecord(bets: 10, roi: 0.8)), 1 + 8.0 * 10 / 510, 1e-12)
    }

    @Test func theMostSpecificRecordIsUsed() {
        let table = TrackRecordTable([
            TrackRecordKey(agent: .sharpValue): AgentRecord(bets: 1, roi: 0.01),
            TrackRecordKey(agent: .sharpValue, sport: "soccer_epl"): AgentRecord(bets: 2, roi: 0.02),
            TrackRecordKey(agent: .sharpValue, market: .totals): AgentRecord(bets: 3, roi: 0.03),
            TrackRecordKey(agent: .sharpValue, sport: "soccer_epl", market: .h2h): AgentRecord(bets: 4, roi: 0.04),
        ])
        #expect(table.record(for: .sharpValue, sport: "soccer_epl", market: .h2h)?.bets == 4)
        #expect(table.record(for: .sharpValue, sport: "soccer_epl", market: .spreads)?.bets == 2)
        #expect(table.record(for: .sharpValue, sport: "tennis_atp", market: .totals)?.bets == 3)
        #expect(table.record(for: .sharpValue, sport: nil, market: .spreads)?.bets == 1)
        #expect(table.record(for: .steam, sport: "soccer_epl", market: .h2h) == nil)
        let weights = table.weights(for: [.sharpValue, .steam], sport: "tennis_atp", market: .h2h)
        expectClose(weights[.sharpValue]!, 1 + 10 * 0.01 / 501, 1e-12)
        #expect(weights[.steam] == 1)
    }

    @Test func recordFromAPerformanceReport() throws {
        let bets = [
            SettledBet(stake: 100, decimalOdds: 2.0, payout: 200, outcome: .won, placedAt: 1, clv: 0.1),
            SettledBet(stake: 100, decimalOdds: 2.0, payout: 0, outcome: .lost, placedAt: 2, clv: 0.0),
            SettledBet(stake: 100, decimalOdds: 3.0, payout: 300, outcome: .won, placedAt: 3, clv: 0.2),
        ]
        let record = AgentRecord(try PerformanceAnalyzer.analyze(bets, options: .init(resamples: 0)))
        // Staked 300, returned 500: the record's ROI is the yield 200/300.
        #expect(record.bets == 3 && record.roi == 200.0 / 300.0 && record.hitRate == 2.0 / 3.0)
        expectClose(try #require(record.averageCLV), 0.1, 1e-15)
    }

    @Test func rescoresWrappedSignalsAndKeepsTheirAgent() throws {
        // Agent B signals bet365 home at 2.5 (edge 0.25, confidence 0.25/0.30) and unibet at 2.2
        // (edge 0.1, confidence 0.1/0.15).
        let market = F.twoWay([
            F.quote("pinnacle", [2.0, 2.0]), F.quote("bet365", [2.5, 1.5]), F.quote("unibet", [2.2, 1.6]),
        ])
        let inner = SharpValueAgent()
        let table = TrackRecordTable([
            TrackRecordKey(agent: .sharpValue, sport: "soccer_epl"):
                AgentRecord(bets: 100, roi: 0.06, averageCLV: 0.03, hitRate: 0.5)
        ])
        let agent = TrackRecordAgent(wrapping: [inner], records: table)
        #expect(agent.id == .trackRecord)
        let raw = inner.signals(for: market, at: F.now)
        let rescored = agent.signals(for: market, at: F.now)
        #expect(rescored.count == 2)
        for (before, after) in zip(raw, rescored) {
            #expect(after.agent == .sharpValue && after.bookmaker == before.bookmaker && after.edge == before.edge)
            expectClose(try #require(after.trackRecordWeight), 1.125, 1e-12)
            expectClose(after.confidence, min(1, before.confidence * 1.125), 1e-12)
            #expect(after.reason.hasPrefix(before.reason))
            #expect(after.reason.hasSuffix(
                "Track record: 100 bets, ROI +6.00%, CLV +3.00%, hit rate 50.00% → weight 1.125."))
        }
        // A weight that pushes the confidence past 1 is clamped; a weight of 0 silences.
        let star = TrackRecordTable([TrackRecordKey(agent: .sharpValue): AgentRecord(bets: 1_000_000, roi: 1)])
        #expect(TrackRecordAgent(wrapping: [inner], records: star).signals(for: market, at: F.now).map(\.confidence) == [1, 1])
        let dud = TrackRecordTable([TrackRecordKey(agent: .sharpValue): AgentRecord(bets: 1_000_000, roi: -1)])
        #expect(TrackRecordAgent(wrapping: [inner], records: dud).signals(for: market, at: F.now).map(\.confidence) == [0, 0])
    }
}
