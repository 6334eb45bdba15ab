import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import MonPS

@Suite("Exports: bets and ledger as CSV, a JSON array and JSON Lines, byte for byte", .hangGuard)
struct AnalyticsExportTests {
    static let header = "id,bankroll_id,currency,placed_at,status,sport,competition,event_id,event_description,market,selection,"
        + "point,bookmaker,odds,stake,potential_return,settled_at,payout,profit,closing_odds,sharp_closing_odds,"
        + "fair_closing_odds,clv,beat_close,opportunity_id,agent,edge_at_placement,fair_probability,"
        + "suggested_kelly_fraction,kelly_fraction_used,tags,notes,source,is_live,created_at,updated_at,version\r\n"

    @Test func betExportBytes() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let bankroll = try await fixture.bankrollID(user, initial: 10_000)
            try await app.services.database.query(
                """
                INSERT INTO bets (id, user_id, bankroll_id, event_description, sport_key, competition, market, selection,
                                  point, bookmaker, odds, stake, potential_return, placed_at, status, settled_at, payout, profit,
                                  clv, beat_close, agent, tags, notes, source, created_at, updated_at)
                VALUES ('00000000-0000-0000-0000-0000000000b1', \(user.id), \(UUID(uuidString: bankroll)!),
                        'Hot, "Spicy" FC v =Team', 'soccer_epl', '@Cup', 'totals', 'over', 2.5, 'bet365', 2.5, 1000, 2500,
                        '2026-03-27T10:30:00Z', 'lost', '2026-03-27T12:30:00.5Z', 0, -1000, -0.02, false,
                        '=HYPERLINK("x")', '{a,b}', E'line1\\nline2', 'manual', '2026-03-27T10:30:00Z', '2026-03-27T10:30:00Z')
                """)
            let csv = try await client.get("/v1/bets/export", token: user.token)
            #expect(csv.status == .ok, "\(csv.text)")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" || csv.headers[.contentType] == "text/csv")
            let row = "00000000-0000-0000-0000-0000000000b1,\(bankroll.lowercased()),EUR,2026-03-27T10:30:00.000000Z,lost,"
                + "soccer_epl,'@Cup,,\"Hot, \"\"Spicy\"\" FC v =Team\",totals,over,2.5,bet365,2.5,1000,2500,"
                + "2026-03-27T12:30:00.500000Z,0,-1000,,,,-0.02,false,,\"'=HYPERLINK(\"\"x\"\")\",,,,,a;b,\"line1\nline2\","
                + "manual,false,2026-03-27T10:30:00.000000Z,2026-03-27T10:30:00.000000Z,1\r\n"
            #expect(csv.text == Self.header + row)

            #expect(Self.isAttachment(csv, "bets", "csv"), "\(csv.headers)")

            let lines = try await client.get("/v1/bets/export?format=ndjson", token: user.token)
            #expect(lines.status == .ok)
            #expect(lines.headers[.contentType] == "application/x-ndjson")
            #expect(Self.isAttachment(lines, "bets", "ndjson"), "\(lines.headers)")
            #expect(lines.text.hasSuffix("}\n") && lines.text.split(separator: "\n").count == 1)
            let objects = try lines.text.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(objects.count == 1)
            #expect(objects[0]["notes"] as? String == "line1\nline2" && objects[0]["stake"] as? Int == 1_000)
            #expect(objects[0]["tags"] as? [String] == ["a", "b"] && objects[0]["profit"] as? Int == -1_000)
            #expect(objects[0]["agent"] as? String == "=HYPERLINK(\"x\")")  // JSON is data, not a spreadsheet

            // format=json: one JSON array (a valid document) of the same objects, byte for byte the JSON Lines' objects.
            let array = try await client.get("/v1/bets/export?format=json", token: user.token)
            #expect(array.status == .ok)
            #expect(array.headers[.contentType]?.hasPrefix("application/json") == true, "\(array.headers)")
            #expect(array.headers[.contentLength] == nil || array.headers[.contentLength] == "\(array.text.utf8.count)")
            #expect(Self.isAttachment(array, "bets", "json"), "\(array.headers)")
            #expect(array.text == "[\n" + lines.text.dropLast() + "\n]\n")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(array.text.utf8)) as? [[String: Any]])
            #expect(parsed.count == 1 && parsed[0]["id"] as? String == "00000000-0000-0000-0000-0000000000b1")
            #expect(parsed[0]["currency"] as? String == "EUR" && parsed[0]["payout"] as? Int == 0)
            #expect(parsed[0]["placed_at"] as? String == "2026-03-27T10:30:00.000000Z" && close(parsed[0]["clv"], -0.02))

            // Nothing matches: a header only, an empty array, an empty body.
            let none = "from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z"
            #expect(try await client.get("/v1/bets/export?\(none)", token: user.token).text == Self.header)
            #expect(try await client.get("/v1/bets/export?format=json&\(none)", token: user.token).text == "[]\n")
            #expect(try await client.get("/v1/bets/export?format=ndjson&\(none)", token: user.token).text == "")
        }
    }

    /// `Content-Disposition: attachment; filename="monps-<what>-YYYYMMDD.<ext>"` with today's UTC date (or yesterday's,
    /// when the test ran across midnight).
    static func isAttachment(_ response: TestResponse, _ what: String, _ ext: String) -> Bool {
        let now = Date()
        return [now, now.addingTimeInterval(-600)].contains { date in
            response.headers[.contentDisposition] == APIHandler.attachment(what, format: ExportFormat(rawValue: ext)!, on: date)
        } && response.headers[.contentDisposition]?.wholeMatch(of: #/attachment; filename="monps-[a-z]+-20[0-9]{6}\.[a-z]+"/#) != nil
    }

    /// The export's rows are the filtered bets (as `/v1/bets` lists them), cancelled and pending included.
    @Test func exportRowsEqualFilteredBets() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let f = try await AnalyticsFixture.make(app, client)
            let token = f.user.token
            for (query, listQuery) in [
                ("", ""), ("bankroll_id=\(f.euros)", "bankroll_id=\(f.euros)"), ("bookmaker=pinnacle", "bookmaker=pinnacle"),
                ("status=won", "status=won"), ("\(AnalyticsFixture.week)&sport=soccer_epl", "\(AnalyticsFixture.week)&sport=soccer_epl"),
            ] {
                let export = try await client.get("/v1/bets/export?\(query)", token: token)
                #expect(export.status == .ok)
                let ids = export.text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
                    .map { String($0.prefix(36)) }
                let listed = try #require(try await client.get("/v1/bets?limit=200&\(listQuery)", token: token).json()["data"]
                    as? [[String: Any]]).compactMap { $0["id"] as? String }
                #expect(Set(ids) == Set(listed), "\(query)")
                #expect(ids.count == listed.count)
            }
            let gbp = try await client.get("/v1/bets/export?currency=GBP&format=ndjson", token: token)
            #expect(gbp.text.split(separator: "\n").count == 1)

            // The JSON array parses and holds exactly the filtered bets, oldest first, with their figures.
            for query in ["", "bankroll_id=\(f.euros)", "status=won", "bankroll_id=\(f.pounds)"] {
                let export = try await client.get("/v1/bets/export?format=json&\(query)", token: token)
                #expect(export.status == .ok)
                let objects = try #require(try JSONSerialization.jsonObject(with: Data(export.text.utf8)) as? [[String: Any]])
                let listed = try #require(try await client.get("/v1/bets?limit=200&\(query)", token: token).json()["data"]
                    as? [[String: Any]])
                #expect(objects.compactMap { $0["id"] as? String } == listed.reversed().compactMap { $0["id"] as? String }, "\(query)")
                for (object, bet) in zip(objects, listed.reversed()) {
                    #expect(object["stake"] as? Int == bet["stake"] as? Int && object["status"] as? String == bet["status"] as? String)
                    #expect(object["payout"] as? Int == bet["payout"] as? Int && object["bookmaker"] as? String == bet["bookmaker"] as? String)
                }
            }
            let euros = try await client.get("/v1/bets/export?format=json&bankroll_id=\(f.euros)", token: token)
            let stakes = try #require(try JSONSerialization.jsonObject(with: Data(euros.text.utf8)) as? [[String: Any]])
                .compactMap { $0["stake"] as? Int }
            #expect(stakes == [1_000, 1_000, 2_000, 500, 700])
        }
    }

    @Test func ledgerExport() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let user = try await fixture.user()
            let bankroll = try await fixture.bankrollID(user, initial: 10_000)
            let deposit = try await client.postJSON(
                "/v1/bankrolls/\(bankroll)/transactions", #"{"kind":"correction","amount":-250,"note":"=fee, \"bank\""}"#,
                token: user.token)
            #expect(deposit.status == .created, "\(deposit.text)")
            let csv = try await client.get("/v1/bankrolls/\(bankroll)/transactions/export", token: user.token)
            #expect(csv.status == .ok, "\(csv.text)")
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines[0] == "id,bankroll_id,currency,kind,amount,balance_after,bet_id,caused_by,note,created_by,created_at")
            #expect(lines.count == 4 && lines[3].isEmpty)
            #expect(lines[1].contains(",EUR,deposit,10000,10000,,"))
            #expect(lines[2].contains(",EUR,correction,-250,9750,,correction,\"'=fee, \"\"bank\"\"\",") || lines[2].contains(",EUR,correction,-250,9750,,user,\"'=fee, \"\"bank\"\"\","))
            #expect(Self.isAttachment(csv, "transactions", "csv"), "\(csv.headers)")
            let json = try await client.get("/v1/bankrolls/\(bankroll)/transactions/export?format=json", token: user.token)
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(Self.isAttachment(json, "transactions", "json"), "\(json.headers)")
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]])
            #expect(entries.map { $0["amount"] as? Int } == [10_000, -250])
            #expect(entries.map { $0["balance_after"] as? Int } == [10_000, 9_750])
            #expect(entries.map { $0["kind"] as? String } == ["deposit", "correction"] && entries[1]["note"] as? String == "=fee, \"bank\"")
            let ndjson = try await client.get("/v1/bankrolls/\(bankroll)/transactions/export?format=ndjson", token: user.token)
            #expect(ndjson.headers[.contentType] == "application/x-ndjson" && ndjson.text.split(separator: "\n").count == 2)
            try await client.get("/v1/bankrolls/\(UUID())/transactions/export", token: user.token).expectProblem(.notFound)
        }
    }
}
