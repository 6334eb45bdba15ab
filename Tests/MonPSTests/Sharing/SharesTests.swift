import Foundation
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Sharing opportunities", .hangGuard)
struct SharesTests {
    @Test func shareWithUsersAndByLinkThenRevoke() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let opportunity = try await OpportunitiesTests.detectedOpportunity(app)
            let accounts = TestAccounts(app: app, client: client)
            let owner = try await accounts.token(role: .user, email: "owner@example.com")
            let friend = try await accounts.token(role: .user, email: "friend@example.com")
            let viewer = try await accounts.token(role: .viewer, email: "viewer@example.com")
            let stranger = try await accounts.token(role: .user, email: "stranger@example.com")
            let uri = "/v1/opportunities/\(opportunity.uuidString.lowercased())/shares"

            let shared = try await client.postJSON(
                uri, #"{"emails":["Friend@Example.com","viewer@example.com","nobody@example.com"],"public":true,"expires_in_hours":24,"note":"look"}"#,
                token: owner)
            #expect(shared.status == .created)
            let result = try shared.json()
            #expect(result["unknown_emails"] == nil)
            let link = try #require(result["link"] as? String)
            let shares = try #require(result["shares"] as? [[String: Any]])
            // One share per address (the one without an account too: nothing tells them apart) and the link's.
            #expect(shares.map { $0["kind"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["link", "user", "user", "user"])
            #expect(!(try await app.services.database.query("SELECT token_hash FROM opportunity_shares WHERE token_hash IS NOT NULL")
                .first?.decode(String.self) ?? "").contains(String(link.dropFirst("/v1/shared/".count))))
            // Audited with the shares, in their transaction: one entry, naming the opportunity.
            let audited = try await app.services.database.query(
                """
                SELECT target_id, details->>'users' AS users, details->>'link' AS link FROM audit_log
                WHERE action = 'opportunity.shared'
                """
            ).map { row in
                let read = RowReader(row)
                return [try read("target_id", String.self), try read("users", String.self), try read("link", String.self)]
            }
            #expect(audited == [[opportunity.uuidString.lowercased(), "3", "true"]])
            // Sharing an opportunity that does not exist stores nothing, not even its audit entry.
            let missing = try await client.postJSON(
                "/v1/opportunities/\(UUID().uuidString.lowercased())/shares", #"{"emails":["friend@example.com"]}"#, token: owner)
            #expect(missing.status == .notFound)
            #expect(try await app.services.database.query(
                "SELECT count(*)::int FROM audit_log WHERE action = 'opportunity.shared'").first?.decode(Int.self) == 1)

            // Recipients (a viewer too) see it with who shared it; others see nothing.
            for token in [friend, viewer] {
                let received = try await client.get("/v1/shares/received", token: token).json()
                let items = try #require(received["data"] as? [[String: Any]])
                #expect(items.count == 1)
                #expect(items.first?["shared_by"] as? String == "Test")
                #expect((items.first?["opportunity"] as? [String: Any])?["bookmaker"] as? String == "betvictor")
            }
            #expect((try await client.get("/v1/shares/received", token: stranger).json()["data"] as? [Any])?.isEmpty == true)
            let sent = try await client.get("/v1/shares/sent", token: owner).json()
            #expect((sent["data"] as? [[String: Any]])?.count == 4)
            #expect(try await client.get("/v1/shares/sent", token: viewer).status == .forbidden)
            #expect(try await client.postJSON(uri, #"{"public":true}"#, token: viewer).status == .forbidden)

            // The public link works without login and shows no owner data.
            let public1 = try await client.get(link)
            #expect(public1.status == .ok)
            #expect(!public1.text.contains("owner@example.com") && !public1.text.contains("shared_by"))
            #expect(try public1.json()["outcome"] as? String == "away")

            // Only the owner revokes; then the link is gone.
            let linkShare = try #require(shares.first { $0["kind"] as? String == "link" }?["id"] as? String)
            let revokeURI = "/v1/shares/\(linkShare)"
            #expect(try await client.execute(uri: revokeURI, method: .delete, headers: [.authorization: "Bearer \(stranger)"]).status == .notFound)
            #expect(try await client.execute(uri: revokeURI, method: .delete, headers: [.authorization: "Bearer \(owner)"]).status == .noContent)
            #expect(try await client.get(link).status == .notFound)
            #expect(try await client.get("/v1/shared/not-a-token").status == .notFound)

            // Nothing to share is not an error (as an address without an account is not): nothing is shared.
            let nothing = try await client.postJSON(uri, #"{}"#, token: owner)
            #expect(nothing.status == .created)
            #expect((try nothing.json()["shares"] as? [Any])?.isEmpty == true)
            #expect(try await client.postJSON("/v1/opportunities/\(UUID())/shares", #"{"public":true}"#, token: owner).status == .notFound)
        }
    }
}

@Suite("Sharing never reveals accounts", .hangGuard)
struct ShareEnumerationTests {
    /// Security finding #5: the answer used to list `unknown_emails` (and a user share per known address), so one
    /// request tested 50 addresses for an account. Both answers must now be the same, byte for byte but for ids.
    @Test func anAddressWithAnAccountAndOneWithoutGetTheSameAnswer() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let opportunity = try await OpportunitiesTests.detectedOpportunity(app)
            let accounts = TestAccounts(app: app, client: client)
            let owner = try await accounts.token(role: .user, email: "prober@example.com")
            _ = try await accounts.token(role: .user, email: "member@example.com")
            let uri = "/v1/opportunities/\(opportunity.uuidString.lowercased())/shares"

            let known = try await client.postJSON(uri, #"{"emails":["member@example.com"]}"#, token: owner)
            let unknown = try await client.postJSON(uri, #"{"emails":["nobody@example.com"]}"#, token: owner)
            #expect(known.status == .created && unknown.status == .created)
            #expect(try Self.shape(known.json()) == Self.shape(unknown.json()), "\(known.text) vs \(unknown.text)")
            #expect(try unknown.json()["unknown_emails"] == nil)
            // The list of sent shares does not tell them apart either.
            let sent = try #require(try await client.get("/v1/shares/sent", token: owner).json()["data"] as? [[String: Any]])
            #expect(sent.count == 2)
            #expect(Set(sent.map { Self.shape($0) }).count == 1, "\(sent)")
            // The member did get the share.
            let shares = try await app.services.database.query("SELECT count(*) FROM opportunity_shares WHERE recipient_id IS NOT NULL")
            #expect(try shares.first?.decode(Int.self) == 1)
        }
    }
}

extension ShareEnumerationTests {
    /// A JSON value with every string, number and id replaced by its type: what the two answers may not differ in.
    static func shape(_ value: Any) -> String {
        switch value {
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\($0):\(shape(object[$0]!))" }.joined(separator: ",") + "}"
        case let array as [Any]:
            return "[" + array.map(shape).joined(separator: ",") + "]"
        case is String: return "s"
        case is NSNumber: return "\(value)"
        default: return "null"
        }
    }
}

@Suite("Betting on an opportunity", .hangGuard)
struct OpportunityBetTests {
    @Test func aBetAndAStakeSuggestionFromAnOpportunity() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let opportunity = try await OpportunitiesTests.detectedOpportunity(app)
            let reference = opportunity.uuidString.lowercased()
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let bankroll = try await fixture.bankrollID(user, initial: 100_000)

            let suggestion = try await client.postJSON(
                "/v1/bets/stake-suggestion", #"{"opportunity_id":"\#(reference)","bankroll_id":"\#(bankroll)"}"#, token: user.token)
            #expect(suggestion.status == .ok)
            #expect((try suggestion.json()["stake"] as? Int ?? 0) > 0)

            let placed = try await fixture.placeBet(user, #""opportunity_id":"\#(reference)","stake":1000,"bankroll_id":"\#(bankroll)""#)
            #expect(placed.status == .created)
            let bet = try placed.json()
            #expect(bet["source"] as? String == "opportunity")
            #expect(bet["opportunity_id"] as? String == reference)
            #expect(bet["odds"] as? Double == 5.60)
            #expect(bet["selection"] as? String == "away")
            #expect(bet["bookmaker"] as? String == "betvictor")
            #expect((bet["agent"] as? String)?.contains("consensus_anomaly") == true)

            let mismatch = try await fixture.placeBet(user, #""opportunity_id":"\#(reference)","selection":"home","stake":1000"#)
            #expect(mismatch.status == .unprocessableContent)
            let missing = try await fixture.placeBet(user, #""stake":1000,"bookmaker":"bet365","odds":2.0"#)
            #expect(missing.status == .unprocessableContent)
            try await app.services.database.query("UPDATE opportunities SET status = 'withdrawn'")
            #expect(try await fixture.placeBet(user, #""opportunity_id":"\#(reference)","stake":1000"#).status == .conflict)
        }
    }
}
