import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Stake suggestion: Kelly with the user's settings, jointly with open bets on the event", .hangGuard)
struct StakeSuggestionTests {
    static let homeWin = BetLine(stored: .h2h, selection: .home, point: nil)
    static let awayWin = BetLine(stored: .h2h, selection: .away, point: nil)

    /// One bet: full Kelly (0.5·2.2 − 1)/1.2 = 1/12; quarter Kelly 1/48 of 100 000 = 2083.33 → 2083 (rounded down).
    @Test func singleBetIsFractionalKellyRoundedDown() throws {
        let sizing = try BetStakeSizer.size(BetStakeInput(
            odds: 2.2, probability: 0.5, line: Self.homeWin, balance: 100_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02))
        #expect(sizing.stake == 2_083)
        #expect(abs(sizing.expectedValue - 0.1) < 1e-12)
        #expect(abs(sizing.fullKellyFraction - 1.0 / 12) < 1e-12)
        #expect(abs(sizing.fraction - 0.02083) < 1e-12)
        #expect(abs(sizing.expectedProfit - 208.3) < 1e-9)
        #expect(sizing.wealth == 100_000 && sizing.joint == nil && sizing.reasons.isEmpty)

        // Full Kelly would stake 8333: the 5% cap holds it at 5000.
        let capped = try BetStakeSizer.size(BetStakeInput(
            odds: 2.2, probability: 0.5, line: nil, balance: 100_000, kellyMultiplier: 1, maxStakeShare: 0.05, minEdge: 0))
        #expect(capped.stake == 5_000)
        #expect(capped.reasons.map(\.code) == [.cappedByMaxStake])

        // EV 0.5·2.02 − 1 = 1% < the 2% minimum; a price below fair has no edge at all.
        let thin = try BetStakeSizer.size(BetStakeInput(
            odds: 2.02, probability: 0.5, line: nil, balance: 100_000, kellyMultiplier: 0.25, maxStakeShare: 0.05, minEdge: 0.02))
        #expect(thin.stake == 0 && thin.reasons.map(\.code) == [.belowMinEdge])
        let none = try BetStakeSizer.size(BetStakeInput(
            odds: 1.9, probability: 0.5, line: nil, balance: 100_000, kellyMultiplier: 0.25, maxStakeShare: 0.05, minEdge: 0))
        #expect(none.stake == 0 && none.reasons.map(\.code) == [.noEdge])
        // A tiny bankroll rounds the stake down to nothing.
        let tiny = try BetStakeSizer.size(BetStakeInput(
            odds: 2.2, probability: 0.5, line: nil, balance: 40, kellyMultiplier: 0.25, maxStakeShare: 0.05, minEdge: 0))
        #expect(tiny.stake == 0 && tiny.reasons.map(\.code) == [.roundedToZero])
    }

    /// Two bets on one 1X2 market: home 2.2 (p 0.5, 3000 already staked) and a new away bet at 4.4 (p 0.25).
    /// Smoczyński–Tomkins: both have p·O = 1.1; R = (1 − 0.75)/(1 − 1/2.2 − 1/4.4) = 0.25/(7/22) = 11/14;
    /// f_home = 0.5 − (11/14)/2.2 = 1/7, f_away = 0.25 − (11/14)/4.4 = 1/14. Quarter Kelly over the wealth
    /// 97 000 + 3000 = 100 000: away ⌊100 000/56⌋ = 1785, home target ⌊100 000/28⌋ = 3571.
    /// Alone, the away bet would get ⌊97 000 · 0.25 · (0.1/3.4)⌋ = 713.
    @Test func twoBetsOnOneEventAreSizedJointly() throws {
        let open = [OpenBetLeg(line: Self.homeWin, odds: 2.2, stake: 3_000, fairProbability: 0.5)]
        let joint = try BetStakeSizer.size(BetStakeInput(
            odds: 4.4, probability: 0.25, line: Self.awayWin, balance: 97_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02, openLegs: open))
        #expect(joint.stake == 1_785)
        #expect(joint.wealth == 100_000)
        #expect(joint.reasons.map(\.code) == [.jointAllocation])
        let legs = try #require(joint.joint)
        #expect(legs.map(\.selection) == [.away, .home])
        #expect(abs(legs[0].fraction - 0.25 / 14) < 1e-12 && abs(legs[1].fraction - 0.25 / 7) < 1e-12)
        #expect(legs.map(\.targetStake) == [1_785, 3_571])
        #expect(legs.map(\.existingStake) == [0, 3_000])

        let alone = try BetStakeSizer.size(BetStakeInput(
            odds: 4.4, probability: 0.25, line: Self.awayWin, balance: 97_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02))
        #expect(alone.stake == 713)

        // More on the same outcome: the 3000 already staked on home exceeds its single-Kelly target of 2083.
        let again = try BetStakeSizer.size(BetStakeInput(
            odds: 2.2, probability: 0.5, line: Self.homeWin, balance: 97_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02, openLegs: open))
        #expect(again.stake == 0 && again.reasons.map(\.code) == [.alreadyCovered])
        // A bet on another market of the event is not mutually exclusive: left out, sized alone.
        let totals = OpenBetLeg(line: BetLine(stored: .totals, selection: .over, point: 2.5), odds: 1.9, stake: 500, fairProbability: 0.5)
        let mixed = try BetStakeSizer.size(BetStakeInput(
            odds: 4.4, probability: 0.25, line: Self.awayWin, balance: 97_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02, openLegs: [totals]))
        #expect(mixed.stake == 713 && mixed.reasons.map(\.code) == [.otherMarketsIgnored])
        // Without the other bet's probability there is no joint solution.
        let unknown = try BetStakeSizer.size(BetStakeInput(
            odds: 4.4, probability: 0.25, line: Self.awayWin, balance: 97_000, kellyMultiplier: 0.25,
            maxStakeShare: 0.05, minEdge: 0.02, openLegs: [OpenBetLeg(line: Self.homeWin, odds: 2.2, stake: 3_000)]))
        #expect(unknown.stake == 713 && unknown.reasons.map(\.code) == [.jointUnavailable])
        // Probabilities of exclusive outcomes summing above 1 are refused.
        #expect(throws: BettingError.self) {
            try BetStakeSizer.size(BetStakeInput(
                odds: 4.4, probability: 0.6, line: Self.awayWin, balance: 97_000, kellyMultiplier: 0.25,
                maxStakeShare: 0.05, minEdge: 0.02, openLegs: open))
        }
    }

    @Test func suggestionsOverHTTP() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let events = try await fixture.seedEvents()
            let alice = try await fixture.user()
            let bankroll = try await fixture.bankrollID(alice, initial: 100_000)
            let path = "/v1/bets/stake-suggestion"

            // Given price and probability.
            let given = try await client.postJSON(path, #"{"bankroll_id":"\#(bankroll)","odds":2.2,"probability":0.5}"#, token: alice.token)
            #expect(given.status == .ok, "\(given.text)")
            #expect(try given.int64("stake") == 2_083)
            #expect(try given.json()["currency"] as? String == "EUR")
            #expect(try given.json()["kelly_multiplier"] as? Double == 0.25)
            #expect(try given.json()["devig_method"] == nil)

            // From the event: bet365's 2.20 against pinnacle's 1.90/1.90 (fair 0.5 by any method) → the same 2083.
            let priced = try await client.postJSON(
                path, #"{"bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365"}"#,
                token: alice.token)
            #expect(priced.status == .ok, "\(priced.text)")
            let body = try priced.json()
            #expect(body["odds"] as? Double == 2.2)
            #expect(abs((body["probability"] as? Double ?? 0) - 0.5) < 1e-12)
            #expect(body["devig_method"] as? String == "shin")
            #expect(body["sharp_bookmaker"] as? String == "pinnacle")
            #expect(try priced.int64("stake") == 2_083)
            // bet365's away price 1.70 is below fair: no stake, with the reason.
            let poor = try await client.postJSON(
                path, #"{"bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"away","bookmaker":"bet365"}"#,
                token: alice.token).json()
            #expect(poor["stake"] as? Int == 0)
            #expect((poor["reasons"] as? [[String: Any]])?.first?["code"] as? String == "no_edge")

            // Settings apply: half Kelly, 1% cap → 1000; the default bankroll is used when none is given.
            _ = try await client.postJSON(
                "/v1/settings", #"{"default_bankroll_id":"\#(bankroll)","kelly_fraction":0.5,"max_stake_pct":1}"#,
                token: alice.token, method: .put)
            let capped = try await client.postJSON(path, #"{"odds":2.2,"probability":0.5}"#, token: alice.token).json()
            #expect(capped["stake"] as? Int == 1_000)
            #expect((capped["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["capped_by_max_stake"])
            _ = try await client.postJSON("/v1/settings", #"{"default_bankroll_id":"\#(bankroll)"}"#, token: alice.token, method: .put)

            // Two bets on one EPL match: a pending home bet at 2.2 (p 0.5, 3000), then an away suggestion at 4.4 (p 0.25).
            let home = try await fixture.placeBet(alice, #""event_id":\#(events.epl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":2.2,"stake":3000,"fair_probability":0.5"#)
            #expect(home.status == .created, "\(home.text)")
            let joint = try await client.postJSON(
                path, #"{"event_id":\#(events.epl),"market":"h2h","selection":"away","odds":4.4,"probability":0.25}"#, token: alice.token)
            #expect(joint.status == .ok, "\(joint.text)")
            let jointBody = try joint.json()
            #expect(jointBody["stake"] as? Int == 1_785)
            #expect(jointBody["wealth"] as? Int == 100_000)
            #expect(jointBody["balance"] as? Int == 97_000)
            let legs = try #require(jointBody["joint"] as? [[String: Any]])
            #expect(legs.map { $0["selection"] as? String } == ["away", "home"])
            #expect(legs.map { $0["target_stake"] as? Int } == [1_785, 3_571])

            // Problems.
            try await client.postJSON(path, #"{"odds":2.2}"#, token: alice.token).expectProblem(.unprocessableContent, field: "probability")
            try await client.postJSON(path, #"{"probability":0.5}"#, token: alice.token).expectProblem(.unprocessableContent, field: "odds")
            try await client.postJSON(path, #"{"odds":1,"probability":0.5}"#, token: alice.token).expectProblem(.unprocessableContent, field: "odds")
            try await client.postJSON(path, #"{"odds":2.2,"probability":1.2}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "probability")
            try await client.postJSON(path, #"{"event_id":\#(events.nhl),"market":"h2h","selection":"home"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "bookmaker")
            try await client.postJSON(path, #"{"event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"unibet"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "no-price", field: "bookmaker")
            try await client.postJSON(path, #"{"event_id":\#(events.nhl),"market":"totals","selection":"over","point":6.5,"odds":2.1}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "no-price", field: "probability")
            try await client.postJSON(path, #"{"event_id":\#(events.nhl),"selection":"home","odds":2.1}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "market")
            try await client.postJSON(path, #"{"bankroll_id":"\#(UUID().uuidString)","odds":2.2,"probability":0.5}"#, token: alice.token)
                .expectProblem(.notFound)
            try await client.postJSON(path, #"{"odds":"#, token: alice.token).expectProblem(.badRequest)
        }
    }
}
