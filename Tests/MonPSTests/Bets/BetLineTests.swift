import MonPSCore
import Testing
@testable import MonPS

@Suite("Bet lines: market/selection/point rules, settlement markets, joint-Kelly eligibility", .hangGuard)
struct BetLineTests {
    @Test func validCombinations() throws {
        #expect(throws: Never.self) { try BetLine(market: .h2h, selection: .draw, point: nil, hasDraw: true) }
        #expect(throws: Never.self) { try BetLine(market: .spreads, selection: .away, point: -1.25, hasDraw: false) }
        #expect(throws: Never.self) { try BetLine(market: .totals, selection: .under, point: 0, hasDraw: false) }
        #expect(throws: Never.self) { try BetLine(market: .doubleChance, selection: .homeOrDraw, point: nil, hasDraw: true) }
        let refused: [(BetMarketKind, BetSelection, Double?, Bool, String)] = [
            (.h2h, .draw, nil, false, "selection"), (.h2h, .over, nil, true, "selection"), (.h2h, .home, 0.5, true, "point"),
            (.spreads, .home, nil, true, "point"), (.spreads, .home, 0.1, true, "point"), (.spreads, .draw, 0.5, true, "selection"),
            (.totals, .over, -0.5, true, "point"), (.totals, .over, .infinity, true, "point"), (.totals, .home, 2.5, true, "selection"),
            (.drawNoBet, .home, nil, false, "market"), (.doubleChance, .home, nil, true, "selection"),
        ]
        for (market, selection, point, hasDraw, field) in refused {
            do {
                _ = try BetLine(market: market, selection: selection, point: point, hasDraw: hasDraw)
                Issue.record("\(market) \(selection) \(String(describing: point)) was accepted")
            } catch {
                guard case .validation(let named, _) = error else { Issue.record("\(error)"); continue }
                #expect(named == field, "\(market) \(selection) \(String(describing: point))")
            }
        }
    }

    @Test func coreMarketsForSettlement() {
        #expect(BetLine(stored: .h2h, selection: .draw, point: nil).coreMarket(hasDraw: true) == .matchResult(.draw))
        #expect(BetLine(stored: .h2h, selection: .away, point: nil).coreMarket(hasDraw: false) == .moneyline(.away))
        #expect(BetLine(stored: .spreads, selection: .home, point: -0.75).coreMarket(hasDraw: true) == .handicap(.home, line: -0.75))
        #expect(BetLine(stored: .totals, selection: .over, point: 2.5).coreMarket(hasDraw: true) == .total(.over, line: 2.5))
        #expect(BetLine(stored: .drawNoBet, selection: .away, point: nil).coreMarket(hasDraw: true) == .drawNoBet(.away))
        #expect(BetLine(stored: .doubleChance, selection: .drawOrAway, point: nil).coreMarket(hasDraw: true) == .doubleChance(.drawOrAway))
    }

    @Test func onlyExclusiveOutcomesWithoutRefundsJoin() {
        let home = BetLine(stored: .h2h, selection: .home, point: nil)
        #expect(home.isJoinable(with: BetLine(stored: .h2h, selection: .draw, point: nil)))
        #expect(!home.isJoinable(with: BetLine(stored: .totals, selection: .over, point: 2.5)))
        let spread = BetLine(stored: .spreads, selection: .home, point: -1.5)
        #expect(spread.isJoinable(with: BetLine(stored: .spreads, selection: .away, point: 1.5)))
        #expect(!spread.isJoinable(with: BetLine(stored: .spreads, selection: .away, point: -1.5)))
        #expect(spread.isJoinable(with: BetLine(stored: .spreads, selection: .home, point: -1.5)))
        // Whole and quarter lines can push or half-win: only the same outcome joins.
        let whole = BetLine(stored: .totals, selection: .over, point: 3)
        #expect(!whole.isJoinable(with: BetLine(stored: .totals, selection: .under, point: 3)))
        #expect(whole.isJoinable(with: BetLine(stored: .totals, selection: .over, point: 3)))
        #expect(!BetLine(stored: .totals, selection: .over, point: 2.25).isJoinable(with: BetLine(stored: .totals, selection: .under, point: 2.25)))
        #expect(BetLine(stored: .totals, selection: .over, point: 2.5).isJoinable(with: BetLine(stored: .totals, selection: .under, point: 2.5)))
        // Draw-no-bet refunds on a draw; double-chance outcomes overlap.
        #expect(!BetLine(stored: .drawNoBet, selection: .home, point: nil).isJoinable(with: BetLine(stored: .drawNoBet, selection: .away, point: nil)))
        #expect(!BetLine(stored: .doubleChance, selection: .homeOrDraw, point: nil).isJoinable(with: BetLine(stored: .doubleChance, selection: .drawOrAway, point: nil)))
    }
}
