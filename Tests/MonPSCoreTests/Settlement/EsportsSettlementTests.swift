import Foundation
import Testing

@testable import MonPSCore

@Suite("Settlement rules: esports series")
struct EsportsSettlementTests {
    typealias Map = EsportsSeries.Map

    /// Maps from a string: `h`/`a` = won by home/away, `r` = a remade or replayed attempt, `-` = unfinished.
    static func maps(_ text: String) -> [Map] {
        text.map { c in
            switch c {
            case "h": Map(winner: .home)
            case "a": Map(winner: .away)
            case "r": Map(winner: .home, remade: true)  // the winner of a remade attempt never counts
            default: Map(winner: nil)
            }
        }
    }

    func grade(_ market: EsportsMarket, _ series: EsportsSeries) throws -> BetOutcome? {
        try EsportsSettlement.settle(stake: 1000, decimalOdds: 2.0, market: market, series: series, now: 1_000_000)
            .result?.outcome
    }

    // (best of, maps, market, expected)
    static let finished: [(Int, String, EsportsMarket, BetOutcome)] = [
        // Match winner.
        (1, "h", .matchWinner(.home), .won),
        (1, "a", .matchWinner(.home), .lost),
        (3, "hah", .matchWinner(.home), .won),
        (3, "aa", .matchWinner(.away), .won),
        (5, "hahaa", .matchWinner(.home), .lost),
        (5, "hhh", .matchWinner(.home), .won),
        // Map handicap.
        (3, "hh", .mapHandicap(.home, line: -1.5), .won),
        (3, "hah", .mapHandicap(.home, line: -1.5), .lost),
        (3, "hah", .mapHandicap(.away, line: 1.5), .won),
        (3, "aha", .mapHandicap(.home, line: 1.5), .won),
        (5, "hhah", .mapHandicap(.home, line: -2.5), .lost),
        (5, "hhh", .mapHandicap(.home, line: -2.5), .won),
        (5, "ahaha", .mapHandicap(.home, line: 1.5), .won),
        (1, "h", .mapHandicap(.home, line: -1.5), .lost),
        (3, "hah", .mapHandicap(.home, line: -1), .push),  // a whole line pushes on the margin
        // Total maps.
        (3, "hah", .totalMaps(.over, line: 2.5), .won),
        (3, "hh", .totalMaps(.over, line: 2.5), .lost),
        (3, "aa", .totalMaps(.under, line: 2.5), .won),
        (5, "hahah", .totalMaps(.over, line: 4.5), .won),
        (5, "hhah", .totalMaps(.over, line: 3.5), .won),
        (5, "hhh", .totalMaps(.under, line: 3.5), .won),
        (1, "a", .totalMaps(.under, line: 1.5), .won),
        // A remade or replayed map does not count: "hrh" is 2–0, not 3 maps.
        (3, "hrh", .totalMaps(.over, line: 2.5), .lost),
        (3, "hrh", .mapHandicap(.home, line: -1.5), .won),
        (3, "rrah", .matchWinner(.home), .lost),  // two remakes, then 1–1: not finished, see below
    ]

    @Test func finishedSeriesTable() throws {
        for (bestOf, maps, market, expected) in Self.finished.dropLast() {
            let series = EsportsSeries(bestOf: bestOf, maps: Self.maps(maps), state: .finished)
            #expect(try grade(market, series) == expected, "bo\(bestOf) \(maps) \(market)")
        }
        // 1–1 after two remakes is no finished best of 3.
        #expect(throws: SettlementError.invalidScore) {
            try grade(.matchWinner(.home), EsportsSeries(bestOf: 3, maps: Self.maps("rrah"), state: .finished))
        }
    }

    @Test func impossibleSeriesAreRefused() {
        for (bestOf, maps) in [(2, "hh"), (3, "hhh"), (3, "hhaa"), (5, "hhhhh"), (1, "ha"), (3, "")] {
            #expect(throws: SettlementError.invalidScore, "bo\(bestOf) \(maps)") {
                try grade(.matchWinner(.home), EsportsSeries(bestOf: bestOf, maps: Self.maps(maps), state: .finished))
            }
        }
    }

    // (best of, maps before the forfeit, advancing, market, expected)
    static let forfeits: [(Int, String, Side, EsportsMarket, BetOutcome)] = [
        // Before any map counted (a remake only, or nothing): a walkover, everything void.
        (3, "", .home, .matchWinner(.home), .void),
        (3, "r", .away, .matchWinner(.away), .void),
        (3, "-", .home, .totalMaps(.over, line: 2.5), .void),
        // After a map: the match winner stands with the advancing side.
        (3, "a", .home, .matchWinner(.home), .won),
        (3, "a", .home, .matchWinner(.away), .lost),
        (5, "hha", .away, .matchWinner(.home), .lost),
        // Map markets stand only when already decided.
        (3, "ha", .home, .totalMaps(.over, line: 2.5), .won),   // 3 maps whatever happens
        (3, "ha", .home, .totalMaps(.under, line: 2.5), .lost),
        (3, "h", .home, .totalMaps(.over, line: 2.5), .void),   // 2–0 or 2–1 or 1–2 were all possible
        (3, "h", .home, .mapHandicap(.away, line: -1.5), .lost), // away cannot win 2–0 any more
        (3, "h", .home, .mapHandicap(.home, line: -1.5), .void),
        (5, "hhh", .home, .totalMaps(.under, line: 3.5), .won), // already over: the series was decided
        (5, "ha", .home, .totalMaps(.over, line: 2.5), .won),
        (5, "ha", .home, .mapHandicap(.home, line: 2.5), .won), // home +2.5 cannot lose from 1–1
    ]

    @Test func forfeitAndWalkoverTable() throws {
        for (bestOf, maps, advancing, market, expected) in Self.forfeits {
            let series = EsportsSeries(bestOf: bestOf, maps: Self.maps(maps), state: .forfeit(advancing: advancing))
            #expect(try grade(market, series) == expected, "bo\(bestOf) \(maps) → \(advancing) \(market)")
        }
        for market in [EsportsMarket.matchWinner(.home), .mapHandicap(.away, line: 1.5), .totalMaps(.over, line: 2.5)] {
            #expect(try grade(market, EsportsSeries(bestOf: 3, state: .walkover(advancing: .home))) == .void)
        }
    }

    @Test func pendingAndCancelledSeries() throws {
        let live = try EsportsSettlement.settle(
            stake: 1000, decimalOdds: 2, market: .matchWinner(.home),
            series: EsportsSeries(bestOf: 3, maps: Self.maps("h"), state: .live), now: 1_000_000)
        #expect(live == .pending(.eventNotFinished))
        let start: Int64 = 1_000_000
        let early = try EsportsSettlement.settle(
            stake: 1000, decimalOdds: 2, market: .matchWinner(.home),
            series: EsportsSeries(bestOf: 3, state: .cancelled(scheduledStart: start)), now: start + 3600)
        #expect(early == .pending(.awaitingVoidDelay(voidAt: start + 172_800)))
        let late = try EsportsSettlement.settle(
            stake: 1000, decimalOdds: 2, market: .matchWinner(.home),
            series: EsportsSeries(bestOf: 3, state: .cancelled(scheduledStart: start)), now: start + 172_800)
        #expect(late == .settled(SettlementResult(outcome: .void, stake: 1000, payout: 1000)))
        // Money as every other market: 1000 at 2.0 on a win pays 2000.
        let won = try EsportsSettlement.settle(
            stake: 1000, decimalOdds: 2, market: .mapHandicap(.home, line: -1.5),
            series: EsportsSeries(bestOf: 3, maps: Self.maps("hh"), state: .finished), now: start)
        #expect(won == .settled(SettlementResult(outcome: .won, stake: 1000, payout: 2000)))
        #expect(throws: SettlementError.invalidLine(1.3)) {
            try EsportsSettlement.settle(
                stake: 1000, decimalOdds: 2, market: .totalMaps(.over, line: 1.3),
                series: EsportsSeries(bestOf: 3, maps: Self.maps("hh"), state: .finished), now: start)
        }
    }

    func grade(_ market: EsportsMarket, score: (Int, Int), _ state: EsportsSeries.State) throws -> BetOutcome? {
        try EsportsSettlement.settle(
            stake: 1000, decimalOdds: 2.0, market: market, mapScore: FinalScore(home: score.0, away: score.1),
            state: state, now: 1_000_000
        ).result?.outcome
    }

    @Test func withoutTheFormatAFinishedScoreTellsItAndAForfeitStandsOnlyIfEveryFormatAgrees() throws {
        // 2–1 finished is a best of 3, 3–0 a best of 5, 1–0 a best of 1.
        #expect(try grade(.matchWinner(.home), score: (2, 1), .finished) == .won)
        #expect(try grade(.totalMaps(.over, line: 2.5), score: (2, 1), .finished) == .won)
        #expect(try grade(.mapHandicap(.away, line: 2.5), score: (3, 0), .finished) == .lost)
        #expect(try grade(.totalMaps(.under, line: 1.5), score: (0, 1), .finished) == .won)
        for impossible in [(2, 2), (4, 0), (0, 0)] {
            #expect(throws: SettlementError.invalidScore) { try grade(.matchWinner(.home), score: impossible, .finished) }
        }
        // Away +2.5 after a 1–0 forfeit: won in a best of 3 (it cannot lose by 3), lost-or-won in a best of 5.
        #expect(try grade(.mapHandicap(.away, line: 2.5), EsportsSeries(bestOf: 3, maps: Self.maps("h"), state: .forfeit(advancing: .home))) == .won)
        #expect(try grade(.mapHandicap(.away, line: 2.5), score: (1, 0), .forfeit(advancing: .home)) == .void)
        // 2–0 and a forfeit can only be a best of 5, where at least 3 maps were certain.
        #expect(try grade(.totalMaps(.over, line: 2.5), score: (2, 0), .forfeit(advancing: .home)) == .won)
        #expect(try grade(.matchWinner(.away), score: (1, 0), .forfeit(advancing: .away)) == .won)
        #expect(try grade(.totalMaps(.over, line: 2.5), score: (0, 0), .walkover(advancing: .home)) == .void)
        #expect(try grade(.matchWinner(.home), score: (1, 0), .live) == nil)
    }
}
