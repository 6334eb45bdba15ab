import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Bankrolls API: bankrolls and their ledger", .hangGuard)
struct BankrollsAPITests {
    @Test func createsListsRenamesAndArchives() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let main = try await fixture.bankroll(alice, name: "Main", initial: 100_000)
            #expect(main["balance"] as? Int == 100_000)
            #expect(main["initial_amount"] as? Int == 100_000)
            #expect(main["pending_stakes"] as? Int == 0)
            #expect(main["currency"] as? String == "EUR")
            #expect(main["archived"] as? Bool == false)
            let id = try #require(main["id"] as? String)

            // The initial amount is the first ledger entry.
            let entries = try await client.get("/v1/bankrolls/\(id)/transactions", token: alice.token).json()
            let first = try #require((entries["data"] as? [[String: Any]])?.first)
            #expect(first["kind"] as? String == "deposit")
            #expect(first["amount"] as? Int == 100_000)
            #expect(first["balance_after"] as? Int == 100_000)
            #expect(first["caused_by"] as? String == "user")

            // Names are unique per owner among live bankrolls, case-insensitively.
            try await client.postJSON("/v1/bankrolls", #"{"name":" main ","currency":"EUR"}"#, token: alice.token)
                .expectProblem(.conflict, slug: "bankroll-name-taken", field: "name")
            let empty = try await fixture.bankroll(alice, name: "Side", currency: "gbp", initial: 0)
            #expect(empty["currency"] as? String == "GBP")
            #expect(empty["balance"] as? Int == 0)
            let emptyEntries = try await client.get("/v1/bankrolls/\(try #require(empty["id"] as? String))/transactions", token: alice.token).json()
            #expect((emptyEntries["data"] as? [Any])?.isEmpty == true)

            let renamed = try await client.postJSON("/v1/bankrolls/\(id)", #"{"name":"Season 2026"}"#, token: alice.token, method: .patch)
            #expect(renamed.status == .ok)
            #expect(try renamed.json()["name"] as? String == "Season 2026")
            let archived = try await client.postJSON("/v1/bankrolls/\(id)", #"{"archived":true}"#, token: alice.token, method: .patch)
            #expect(try archived.json()["archived"] as? Bool == true)

            let live = try await client.get("/v1/bankrolls", token: alice.token).json()
            #expect((live["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Side"])
            let all = try await client.get("/v1/bankrolls?include_archived=true&limit=1", token: alice.token).json()
            #expect((all["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Season 2026"])
            let cursor = try #require(all["next_cursor"] as? String)
            let next = try await client.get("/v1/bankrolls?include_archived=true&limit=1&cursor=\(cursor)", token: alice.token).json()
            #expect((next["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Side"])
            #expect(next["next_cursor"] is NSNull)

            // An archived bankroll frees its name; unarchiving into a taken name is a conflict.
            _ = try await fixture.bankroll(alice, name: "Season 2026", initial: 10)
            try await client.postJSON("/v1/bankrolls/\(id)", #"{"archived":false}"#, token: alice.token, method: .patch)
                .expectProblem(.conflict, slug: "bankroll-name-taken")
            // No transactions on an archived bankroll.
            try await client.postJSON("/v1/bankrolls/\(id)/transactions", #"{"kind":"deposit","amount":5}"#, token: alice.token)
                .expectProblem(.conflict, slug: "bankroll-archived")
        }
    }

    @Test func transactionsMoveTheBalanceAndNeverBelowZero() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let id = try await fixture.bankrollID(alice, initial: 10_000)
            let path = "/v1/bankrolls/\(id)/transactions"

            let deposit = try await client.postJSON(path, #"{"kind":"deposit","amount":5000,"note":"top-up"}"#, token: alice.token)
            #expect(deposit.status == .created)
            #expect(try deposit.int64("amount") == 5_000)
            #expect(try deposit.int64("balance_after") == 15_000)
            #expect(try deposit.json()["note"] as? String == "top-up")
            #expect(try deposit.json()["created_by"] as? String == alice.id.uuidString.lowercased())

            try await client.postJSON(path, #"{"kind":"withdrawal","amount":15001}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "insufficient-funds", field: "amount")
            let withdrawal = try await client.postJSON(path, #"{"kind":"withdrawal","amount":4000}"#, token: alice.token)
            #expect(try withdrawal.int64("amount") == -4_000)
            #expect(try withdrawal.int64("balance_after") == 11_000)

            try await client.postJSON(path, #"{"kind":"correction","amount":-100}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "validation-failed", field: "note")
            try await client.postJSON(path, #"{"kind":"correction","amount":-11001,"note":"fix"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "insufficient-funds")
            let correction = try await client.postJSON(path, #"{"kind":"correction","amount":-1000,"note":"fee"}"#, token: alice.token)
            #expect(try correction.int64("balance_after") == 10_000)
            #expect(try correction.json()["caused_by"] as? String == "correction")
            try await client.postJSON(path, #"{"kind":"deposit","amount":0}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "amount")
            try await client.postJSON(path, #"{"kind":"withdrawal","amount":-5}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "amount")
            try await client.postJSON(path, #"{"kind":"stake","amount":5}"#, token: alice.token).expectProblem(.badRequest)
            #expect(try await fixture.balance(alice, id) == 10_000)

            // Newest first, keyset pages, kind filter.
            let page = try await client.get("\(path)?limit=2", token: alice.token).json()
            #expect((page["data"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["correction", "withdrawal"])
            let cursor = try #require(page["next_cursor"] as? String)
            let rest = try await client.get("\(path)?limit=2&cursor=\(cursor)", token: alice.token).json()
            #expect((rest["data"] as? [[String: Any]])?.map { $0["amount"] as? Int } == [5_000, 10_000])
            #expect(rest["next_cursor"] is NSNull)
            let deposits = try await client.get("\(path)?kind=deposit", token: alice.token).json()
            #expect((deposits["data"] as? [Any])?.count == 2)
            try await client.get("\(path)?cursor=bogus", token: alice.token).expectProblem(.badRequest)

            let ledger = try await fixture.ledger(try #require(UUID(uuidString: id)))
            #expect(ledger.sum == 10_000 && ledger.chained && ledger.minimum >= 0)

            // Corrections are audited.
            let audited = try await app.services.database.count(
                "SELECT count(*)::int FROM audit_log WHERE action = 'bankroll.corrected' AND actor_user_id = \(alice.id)")
            #expect(audited == 1)
        }
    }

    @Test func validationErrorsAreProblems() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            try await client.postJSON("/v1/bankrolls", #"{"name":"X","currency":"EUR""#, token: alice.token)
                .expectProblem(.badRequest, slug: "bad-request")
            try await client.postJSON("/v1/bankrolls", #"{"currency":"EUR"}"#, token: alice.token).expectProblem(.badRequest)
            try await client.postJSON("/v1/bankrolls", #"{"name":"X","currency":"EURO"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, slug: "validation-failed", field: "currency")
            try await client.postJSON("/v1/bankrolls", #"{"name":"X","currency":"ABC"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "currency")
            try await client.postJSON("/v1/bankrolls", #"{"name":"   ","currency":"EUR"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "name")
            let long = String(repeating: "n", count: 101)
            try await client.postJSON("/v1/bankrolls", #"{"name":"\#(long)","currency":"EUR"}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "name")
            try await client.postJSON("/v1/bankrolls", #"{"name":"X","currency":"EUR","initial_amount":-1}"#, token: alice.token)
                .expectProblem(.unprocessableContent, field: "initial_amount")
            try await client.postJSON("/v1/bankrolls", #"{"name":"X","currency":"EUR","initial_amount":"lots"}"#, token: alice.token)
                .expectProblem(.badRequest)
            let id = try await fixture.bankrollID(alice)
            try await client.postJSON("/v1/bankrolls/\(id)", #"{"name":""}"#, token: alice.token, method: .patch)
                .expectProblem(.unprocessableContent, field: "name")
            try await client.get("/v1/bankrolls?limit=500", token: alice.token).expectProblem(.badRequest)
        }
    }

    @Test func bankrollsAreTheirOwnersOnly() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let bob = try await fixture.user()
            let viewer = try await fixture.user(role: .viewer)
            let id = try await fixture.bankrollID(alice)

            try await client.get("/v1/bankrolls/\(id)", token: bob.token).expectProblem(.notFound, slug: "not-found")
            try await client.postJSON("/v1/bankrolls/\(id)", #"{"name":"Mine now"}"#, token: bob.token, method: .patch)
                .expectProblem(.notFound)
            try await client.get("/v1/bankrolls/\(id)/transactions", token: bob.token).expectProblem(.notFound)
            try await client.postJSON("/v1/bankrolls/\(id)/transactions", #"{"kind":"withdrawal","amount":1}"#, token: bob.token)
                .expectProblem(.notFound)
            let bobs = try await client.get("/v1/bankrolls?include_archived=true", token: bob.token).json()
            #expect((bobs["data"] as? [Any])?.isEmpty == true)
            try await client.get("/v1/bankrolls/not-a-uuid", token: alice.token).expectProblem(.badRequest, slug: "invalid-parameter", field: "id")
            try await client.get("/v1/bankrolls/\(UUID().uuidString)", token: alice.token).expectProblem(.notFound)

            // Viewers hold read:public only: no bankroll scope at all.
            try await client.postJSON("/v1/bankrolls", #"{"name":"V","currency":"EUR"}"#, token: viewer.token)
                .expectProblem(.forbidden)
            try await client.get("/v1/bankrolls", token: viewer.token).expectProblem(.forbidden)
            try await client.postJSON("/v1/bankrolls/\(id)/transactions", #"{"kind":"deposit","amount":1}"#, token: viewer.token)
                .expectProblem(.forbidden)
            try await client.get("/v1/bankrolls").expectProblem(.unauthorized)
            #expect(try await fixture.balance(alice, id) == 100_000)
        }
    }

    @Test func theLedgerIsAppendOnlyInTheDatabase() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let alice = try await fixture.user()
            let id = try #require(UUID(uuidString: try await fixture.bankrollID(alice)))
            let database = app.services.database
            await #expect(throws: (any Error).self) { try await database.query("UPDATE bankroll_entries SET amount = 1") }
            await #expect(throws: (any Error).self) { try await database.query("DELETE FROM bankroll_entries WHERE false") }
            await #expect(throws: (any Error).self) { try await database.query("TRUNCATE bankroll_entries CASCADE") }
            // The cached balance only follows the ledger, and an entry must continue the chain.
            await #expect(throws: (any Error).self) {
                try await database.query("UPDATE bankrolls SET balance = balance + 1 WHERE id = \(id)")
            }
            await #expect(throws: (any Error).self) {
                try await database.query(
                    """
                    INSERT INTO bankroll_entries (bankroll_id, kind, amount, balance_after, caused_by)
                    VALUES (\(id), 'deposit', 10, 5, 'user')
                    """)
            }
            #expect(try await database.count("SELECT count(*)::int FROM bankroll_entries WHERE bankroll_id = \(id)") == 1)
            #expect(try await fixture.balance(alice, id.uuidString) == 100_000)
        }
    }
}
