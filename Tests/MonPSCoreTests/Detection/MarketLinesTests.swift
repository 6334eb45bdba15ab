import Testing

@testable import MonPSCore

@Suite("Market lines: which market a stored price belongs to")
struct MarketLinesTests {
    @Test func spreadsAreKeyedByTheHomeHandicap() {
        #expect(MarketKey(market: "spreads", outcome: "home", point: -0.75) == MarketKey(.spreads, line: -0.75))
        #expect(MarketKey(market: "spreads", outcome: "away", point: 0.75) == MarketKey(.spreads, line: -0.75))
        // A level line from either side is one key (no −0.0).
        let level = MarketKey(market: "spreads", outcome: "away", point: 0)
        #expect(level == MarketKey(.spreads, line: 0))
        #expect(level?.line?.sign == .plus)
        #expect(MarketKey(market: "spreads", outcome: "draw", point: 1) == nil)
        #expect(MarketKey(market: "spreads", outcome: "home", point: nil) == nil)
        #expect(MarketKey(market: "spreads", outcome: "home", point: .nan) == nil)
    }

    @Test func totalsAtTheTotalAndH2HWithoutALine() {
        #expect(MarketKey(market: "totals", outcome: "over", point: 2.5) == MarketKey(.totals, line: 2.5))
        #expect(MarketKey(market: "totals", outcome: "under", point: 2.5) == MarketKey(.totals, line: 2.5))
        #expect(MarketKey(market: "totals", outcome: "over", point: .infinity) == nil)
        #expect(MarketKey(market: "h2h", outcome: "draw", point: 1.5) == .h2h)
        #expect(MarketKey(market: "corners", outcome: "over", point: 9.5) == nil)
    }

    /// The typed price (import model) reaches the same market as its stored form, and the outcomes a family allows
    /// are the ones its snapshots list.
    @Test func typedPricesMatchTheStoredForm() {
        for market in MarketType.allCases {
            #expect(PriceOutcome.allowed(in: market).map(\.rawValue).sorted() == market.outcomes(hasDraw: true).sorted())
            for outcome in PriceOutcome.allCases {
                for point in [nil, -1.5, 0, 2.5] as [Double?] {
                    #expect(MarketKey(market: market, outcome: outcome, point: point)
                        == MarketKey(market: market.rawValue, outcome: outcome.rawValue, point: point))
                }
            }
        }
        #expect(PriceOutcome.allowed(in: .spreads) == [.home, .away])
    }

    @Test func eachSideGetsItsOwnPointBack() {
        for (market, outcome, point) in [("spreads", "home", -1.25), ("spreads", "away", 1.25), ("spreads", "away", -0.5),
                                         ("totals", "under", 3.0)] {
            let key = MarketKey(market: market, outcome: outcome, point: point)
            #expect(key?.point(of: outcome) == point)
        }
        #expect(MarketKey(.spreads, line: -1.25).point(of: "away") == 1.25)
        #expect(MarketKey.h2h.point(of: "home") == nil)
    }

    @Test func outcomesInSnapshotOrder() {
        #expect(MarketType.h2h.outcomes(hasDraw: true) == ["home", "draw", "away"])
        #expect(MarketType.h2h.outcomes(hasDraw: false) == ["home", "away"])
        #expect(MarketType.spreads.outcomes(hasDraw: true) == ["home", "away"])
        #expect(MarketType.totals.outcomes(hasDraw: false) == ["over", "under"])
    }
}
