import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Bets API: placing, listing, editing and cancelling bets", .hangGuard)
struct BetsAPITests {
    @Test func placeListEditAndCancelMoveTheLedger() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let events = try await fixture.seedEvents()
            let alice = try await fixture.user()
            let bankroll = try await fixture.bankrollID(alice, initial: 100_000)

            let placed = try await fixture.placeBet(alice, """
                "event_id":\(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":1.83,"stake":1000,
                "bankroll_id":"\(bankroll)","tags":["nhl"," value ","nhl"],"notes":"first","fair_probability":0.6
                """)
            #expect(placed.status == .created, "\(placed.text)")
            let bet = try placed.json()
            let id = try #require(bet["id"] as? String)
            #expect(bet["status"] as? String == "pending")
            #expect(bet["potential_return"] as? Int == 1_830)
            #expect(bet["sport"] as? String == "icehockey_nhl")
            #expect(bet["competition"] as? String == "NHL")
            #expect(bet["tags"] as? [String] == ["nhl", "value"])
            #expect(bet["source"] as? String == "manual")
            #expect(bet["version"] as? Int == 1)
            #expect(abs((bet["edge_at_placement"] as? Double ?? 0) - 0.098) < 1e-12)
            #expect(abs((bet["kelly_fraction_used"] as? Double ?? 0) - 0.01) < 1e-12)
            // Quarter Kelly of (0.6·1.83 − 1)/0.83, under the 5% cap.
            #expect(abs((bet["suggested_kelly_fraction"] as? Double ?? 0) - 0.25 * 0.098 / 0.83) < 1e-12)
            #expect(try await fixture.balance(alice, bankroll) == 99_000)
            let stakeEntry = try #require((try await client.get("/v1/bankrolls/\(bankroll)/transactions?limit=1", token: alice.token)
                .json()["data"] as? [[String: Any]])?.first)
            #expect(stakeEntry["kind"] as? String == "stake")
            #expect(stakeEntry["amount"] as? Int == -1_000)
            #expect(stakeEntry["bet_id"] as? String == id)
            #expect(stakeEntry["caused_by"] as? String == "bet")

            // A manual bet on an event MonPS does not know, from the default bankroll of the settings.
            try await fixture.placeBet(alice, #""event_description":"Derby","sport":"soccer_epl","market":"totals","selection":"over","point":2.5,"bookmaker":"unibet","odds":2.0,"stake":500"#)
                .expectProblem(.unprocessableContent, field: "bankroll_id")
            _ = try await client.postJSON("/v1/settings", #"{"default_bankroll_id":"\#(bankroll)"}"#, token: alice.token, method: .put)
            let manual = try await fixture.placeBet(alice, #""event_description":"Derby","sport":"soccer_epl","market":"totals","selection":"over","point":2.5,"bookmaker":"unibet","odds":2.0,"stake":500,"tags":["derby"]"#)
            #expect(manual.status == .created, "\(manual.text)")
            #expect(try manual.json()["bankroll_id"] as? String == bankroll)
            #expect(try manual.json()["point"] as? Double == 2.5)
            #expect(try await fixture.balance(alice, bankroll) == 98_500)

            // Lists and filters.
            let all = try await client.get("/v1/bets?limit=1", token: alice.token).json()
            #expect((all["data"] as? [[String: Any]])?.first?["event_description"] as? String == "Derby")
            let cursor = try #require(all["next_cursor"] as? String)
            let second = try await client.get("/v1/bets?limit=1&cursor=\(cursor)", token: alice.token).json()
            #expect((second["data"] as? [[String: Any]])?.first?["id"] as? String == id)
            #expect(second["next_cursor"] is NSNull)
            for (query, expected) in [
                ("status=pending", 2), ("status=won", 0), ("sport=icehockey_nhl", 1), ("bookmaker=unibet", 1),
                ("tag=value", 1), ("tag=derby", 1), ("tag=none", 0), ("bankroll_id=\(bankroll)", 2),
                ("bankroll_id=\(UUID().uuidString)", 0), ("from=2000-01-01T00:00:00Z", 2), ("to=2000-01-01T00:00:00Z", 0),
            ] {
                let page = try await client.get("/v1/bets?\(query)", token: alice.token).json()
                #expect((page["data"] as? [Any])?.count == expected, "\(query)")
            }
            // An inverted window is empty (the contract's rule for every window), not an error.
            let inverted = try await client.get("/v1/bets?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", token: alice.token)
            #expect(inverted.status == .ok)
            #expect((try inverted.json()["data"] as? [Any])?.isEmpty == true)
            try await client.get("/v1/bets?status=maybe", token: alice.token).expectProblem(.badRequest)

            // Edits while pending: the stake difference goes through the ledger.
            let raised = try await client.postJSON("/v1/bets/\(id)", #"{"stake":2000}"#, token: alice.token, method: .patch)
            #expect(try raised.int64("stake") == 2_000)
            #expect(try raised.int64("potential_return") == 3_660)
            #expect(try raised.json()["version"] as? Int == 2)
            #expect(try await fixture.balance(alice, bankroll) == 97_500)
            let lowered = try await client.postJSON(
                "/v1/bets/\(id)", #"{"stake":500,"odds":2.0,"tags":["edited"],"notes":"  "}"#, token: alice.token, method: .patch)
            #expect(try lowered.int64("potential_return") == 1_000)
            #expect(try lowered.json()["tags"] as? [String] == ["edited"])
            #expect(try lowered.json()["notes"] == nil)
            #expect(try await fixture.balance(alice, bankroll) == 99_000)
            try await client.postJSON("/v1/bets/\(id)", #"{"stake":1000000}"#, token: alice.token, method: .patch)
                .expectProblem(.unprocessableContent, slug: "insufficient-funds")
            let entries = try await client.get("/v1/bankrolls/\(bankroll)/transactions?limit=2", token: alice.token).json()
            let recent = try #require(entries["data"] as? [[String: Any]])
            #expect(recent.map { $0["kind"] as? String } == ["refund", "stake"])
            #expect(recent.map { $0["amount"] as? Int } == [1_500, -1_000])

            // Cancelling refunds the stake; a cancelled bet cannot change again.
            let cancelled = try await fixture.delete("/v1/bets/\(id)", token: alice.token)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.json()["status"] as? String == "cancelled")
            #expect(try await fixture.balance(alice, bankroll) == 99_500)
            try await fixture.delete("/v1/bets/\(id)", token: alice.token).expectProblem(.conflict, slug: "bet-not-pending")
            try await client.postJSON("/v1/bets/\(id)", #"{"stake":100}"#, token: alice.token, method: .patch)
                .expectProblem(.conflict, slug: "bet-not-pending")
            let ledger = try await fixture.ledger(try #require(UUID(uuidString: bankroll)))
            #expect(ledger.sum == 99_500 && ledger.chained)
            let audited = try await app.services.database.count(
                "SELECT count(*)::int FROM audit_log WHERE action = 'bet.cancelled' AND target_id = \(id)")
            #expect(audited == 1)
        }
    }

    @Test func invalidBetsAreProblems() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let events = try await fixture.seedEvents()
            let alice = try await fixture.user()
            let bankroll = try await fixture.bankrollID(alice, initial: 10_000)
            let base = #""bankroll_id":"\#(bankroll)","bookmaker":"bet365""#
            let nhl = "\"event_id\":\(events.nhl)"
            let cases: [(String, String, String?)] = [
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":1.0,\"stake\":100", "odds", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":0.5,\"stake\":100", "odds", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":0", "stake", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":-5", "stake", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":10001", "amount", "insufficient-funds"),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"draw\",\"odds\":3,\"stake\":100", "selection", nil),
                ("\(base),\(nhl),\"market\":\"draw_no_bet\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "market", nil),
                ("\(base),\(nhl),\"market\":\"totals\",\"selection\":\"over\",\"odds\":2,\"stake\":100", "point", nil),
                ("\(base),\(nhl),\"market\":\"spreads\",\"selection\":\"home\",\"point\":0.3,\"odds\":2,\"stake\":100", "point", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"point\":1,\"odds\":2,\"stake\":100", "point", nil),
                ("\(base),\(nhl),\"market\":\"totals\",\"selection\":\"home\",\"point\":5.5,\"odds\":2,\"stake\":100", "selection", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100,\"fair_probability\":1", "fair_probability", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100,\"sport\":\"soccer_epl\"", "sport", nil),
                ("\(base),\"event_id\":999999,\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "event_id", nil),
                ("\(base),\"event_id\":\(events.finished),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "event_id", "event-started"),
                ("\(base),\"event_id\":\(events.finished),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100,\"is_live\":true", "event_id", nil),
                ("\(base),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "event_id", nil),
                ("\(base),\"event_description\":\"X v Y\",\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "sport", nil),
                ("\(base),\"event_description\":\"X v Y\",\"sport\":\"curling\",\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "sport", nil),
                ("\"bankroll_id\":\"\(bankroll)\",\"bookmaker\":\"Bet 365\",\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100", "bookmaker", nil),
                ("\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100,\"tags\":[\"\"]", "tags[0]", nil),
            ]
            for (fields, field, slug) in cases {
                try await fixture.placeBet(alice, fields).expectProblem(.unprocessableContent, slug: slug, field: field)
            }
            // A live bet on an event that has not finished is accepted.
            let live = try await fixture.placeBet(alice, "\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"away\",\"odds\":1.7,\"stake\":100,\"is_live\":true")
            #expect(live.status == .created)
            #expect(try live.json()["is_live"] as? Bool == true)
            // Malformed JSON and unknown enum values are 400s.
            try await fixture.placeBet(alice, "\(base),\(nhl)").expectProblem(.badRequest)
            try await client.postJSON("/v1/bets", #"{"market":"h2h""#, token: alice.token).expectProblem(.badRequest, slug: "bad-request")
            try await fixture.placeBet(alice, "\(base),\(nhl),\"market\":\"corners\",\"selection\":\"home\",\"odds\":2,\"stake\":100")
                .expectProblem(.badRequest)
            // Archived bankrolls take no bets; nothing was staked by the refusals.
            #expect(try await fixture.balance(alice, bankroll) == 9_900)
            _ = try await client.postJSON("/v1/bankrolls/\(bankroll)", #"{"archived":true}"#, token: alice.token, method: .patch)
            try await fixture.placeBet(alice, "\(base),\(nhl),\"market\":\"h2h\",\"selection\":\"home\",\"odds\":2,\"stake\":100")
                .expectProblem(.conflict, slug: "bankroll-archived")
            #expect(try await app.services.database.count("SELECT count(*)::int FROM bets") == 1)
        }
    }

    @Test func betsAreTheirOwnersOnly() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let events = try await fixture.seedEvents()
            let alice = try await fixture.user()
            let bob = try await fixture.user()
            let viewer = try await fixture.user(role: .viewer)
            let bankroll = try await fixture.bankrollID(alice)
            let placed = try await fixture.placeBet(alice, #""bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":2.2,"stake":1000"#)
            let id = try #require(try placed.json()["id"] as? String)

            try await client.get("/v1/bets/\(id)", token: bob.token).expectProblem(.notFound)
            try await client.postJSON("/v1/bets/\(id)", #"{"stake":1}"#, token: bob.token, method: .patch).expectProblem(.notFound)
            try await fixture.delete("/v1/bets/\(id)", token: bob.token).expectProblem(.notFound)
            try await client.get("/v1/bets/not-a-uuid", token: alice.token).expectProblem(.badRequest, slug: "invalid-parameter", field: "id")
            #expect((try await client.get("/v1/bets", token: bob.token).json()["data"] as? [Any])?.isEmpty == true)
            // Bob cannot bet from, size against or summarise Alice's bankroll.
            try await fixture.placeBet(bob, #""bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":2.2,"stake":1"#)
                .expectProblem(.notFound)
            try await client.postJSON("/v1/bets/stake-suggestion", #"{"bankroll_id":"\#(bankroll)","odds":2.2,"probability":0.5}"#, token: bob.token)
                .expectProblem(.notFound)
            try await client.get("/v1/bets/summary?bankroll_id=\(bankroll)", token: bob.token).expectProblem(.notFound)

            // Viewers hold no bet scope; anonymous callers are 401.
            try await fixture.placeBet(viewer, #""bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":2.2,"stake":1"#)
                .expectProblem(.forbidden)
            try await client.get("/v1/bets", token: viewer.token).expectProblem(.forbidden)
            try await client.get("/v1/bets/\(id)", token: viewer.token).expectProblem(.forbidden)
            try await client.postJSON("/v1/bets/\(id)", #"{"stake":1}"#, token: viewer.token, method: .patch).expectProblem(.forbidden)
            try await fixture.delete("/v1/bets/\(id)", token: viewer.token).expectProblem(.forbidden)
            try await client.get("/v1/bets/summary", token: viewer.token).expectProblem(.forbidden)
            try await client.postJSON("/v1/bets/stake-suggestion", #"{"odds":2.2,"probability":0.5}"#, token: viewer.token)
                .expectProblem(.forbidden)
            try await client.get("/v1/bets").expectProblem(.unauthorized)

            let mine = try await client.get("/v1/bets/\(id)", token: alice.token)
            #expect(mine.status == .ok)
            #expect(try mine.json()["stake"] as? Int == 1_000)
        }
    }

    @Test func parallelBetsNeverOverdrawTheBankroll() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let events = try await fixture.seedEvents()
            let alice = try await fixture.user()
            let bankroll = try await fixture.bankrollID(alice, initial: 10_000)
            let body = #""bankroll_id":"\#(bankroll)","event_id":\#(events.nhl),"market":"h2h","selection":"home","bookmaker":"bet365","odds":2.2,"stake":1000"#
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await fixture.placeBet(alice, body).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 10)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 20)
            #expect(try await fixture.balance(alice, bankroll) == 0)
            let ledger = try await fixture.ledger(try #require(UUID(uuidString: bankroll)))
            #expect(ledger.sum == 0 && ledger.minimum >= 0 && ledger.chained)
            #expect(try await app.services.database.count("SELECT count(*)::int FROM bets WHERE status = 'pending'") == 10)
            #expect(try await app.services.database.count("SELECT count(*)::int FROM bankroll_entries WHERE kind = 'stake'") == 10)
        }
    }
}
