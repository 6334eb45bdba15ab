import Foundation
import HummingbirdTesting
import MonPSCore
import PostgresNIO
import Testing
@testable import MonPS

/// Settlement and closing line value end to end: bets on real imported matches, the jobs, hand-computed money.
@Suite(
    "Settlement and CLV on imported history",
    .enabled(if: IngestionFixtures.dataAvailable, "needs the shared data set (MONPS_DATA_DIR or ../shared/data)"),
    .hangGuard)
struct SettlementTests {
    /// A bet on a past event, written by the bet repository (bet row + stake entry in one transaction), placed a
    /// day before the start (the bet service refuses started events, rightly).
    static func placeHistoricalBet(
        _ database: Database, user: UUID, bankroll: UUID, event: Int64, market: String, selection: String,
        point: Double? = nil, bookmaker: String, odds: Double, stake: Int64 = 10_000
    ) async throws -> UUID {
        let row = try #require(try await database.query("SELECT sport_key, starts_at FROM events WHERE id = \(event)").first)
        let (sport, start) = try row.decode((String, Date).self)
        let kind = try #require(BetMarketKind(rawValue: market))
        let side = try #require(BetSelection(rawValue: selection))
        let bet = NewBet(
            userID: user, bankrollID: bankroll, eventID: event, eventDescription: nil, sportKey: sport, competition: nil,
            line: BetLine(stored: kind, selection: side, point: point), bookmaker: bookmaker, odds: odds, stake: stake,
            potentialReturn: try Money.payout(stake: stake, decimalOdds: odds), fairProbability: nil, edgeAtPlacement: nil,
            suggestedKellyFraction: nil, tags: [], notes: nil, isLive: false, placedAt: start.addingTimeInterval(-86_400))
        return try await PostgresBetRepository(database: database, audit: AuditLog(database: database))
            .create(bet, admit: StakeRules.placing(stake), context: .none).id
    }

    static func eventID(_ database: Database, home: String, away: String, day: String) async throws -> Int64 {
        let rows = try await database.query(
            """
            SELECT e.id FROM events e JOIN participants h ON h.id = e.home_id JOIN participants a ON a.id = e.away_id
            WHERE h.name = \(home) AND a.name = \(away) AND e.starts_at::date = \(day)::date
            """)
        return try #require(rows.first).decode(Int64.self)
    }

    @Test func settlesPaysOnceAndRecordsClosingLineValue() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let user = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(user, initial: 100_000)))
            try await database.query(
                "INSERT INTO user_settings (user_id, devig_method) VALUES (\(user.id), 'multiplicative')")
            let importer = HistoricalImporter(loader: app.services.loader)
            _ = try await importer.run(
                [ImportFile(source: .footballData, name: "E0_2019-20.csv",
                            bytes: try IngestionFixtures.dataFile("football", "E0_2019-20.csv"))], strict: false)
            let match = try await Self.eventID(database, home: "Liverpool", away: "Norwich", day: "2019-08-09")
            let westHam = try await Self.eventID(database, home: "West Ham", away: "Man City", day: "2019-08-10")
            let bournemouth = try await Self.eventID(database, home: "Bournemouth", away: "Sheffield United", day: "2019-08-10")
            // A cancelled game three days ago (void after the 48 h delay) and one next week (stays pending).
            let loader = app.services.loader
            let other = try await loader.load(
                [SampleEvents.footballMatch(home: "Everton", away: "Fulham", startsAt: Date().addingTimeInterval(-3 * 86_400),
                                            externalID: "cancelled-1", result: nil),
                 SampleEvents.footballMatch(home: "Everton", away: "Leeds", startsAt: Date().addingTimeInterval(7 * 86_400),
                                            externalID: "future-1", result: nil)],
                source: .file(.genericCSV)).eventIDs
            try await database.query("UPDATE events SET status = 'cancelled' WHERE id = \(other[0])")

            func bet(_ event: Int64, _ market: String, _ selection: String, _ point: Double?, _ book: String, _ odds: Double) async throws -> UUID {
                try await Self.placeHistoricalBet(
                    database, user: user.id, bankroll: bankroll, event: event, market: market, selection: selection,
                    point: point, bookmaker: book, odds: odds)
            }
            let home = try await bet(match, "h2h", "home", nil, "bet365", 1.14)          // 4-1: won 11,400
            let over = try await bet(match, "totals", "over", 2.5, "pinnacle", 1.40)     // 5 goals: won 14,000
            let handicap = try await bet(match, "spreads", "home", -2.25, "pinnacle", 1.97)  // by 3: won 19,700
            let away = try await bet(match, "h2h", "away", nil, "pinnacle", 18.05)      // lost
            let void = try await bet(other[0], "h2h", "home", nil, "bet365", 2.05)      // void: 10,000 back
            let pending = try await bet(other[1], "h2h", "draw", nil, "bet365", 3.40)   // not played yet
            let city = try await bet(westHam, "h2h", "away", nil, "bet365", 1.22)      // 0-5: won 12,200
            let draw = try await bet(bournemouth, "h2h", "draw", nil, "bet365", 3.60)  // 1-1: won 36,000
            #expect(try await fixture.balance(user, bankroll.uuidString) == 20_000)

            // The run dies on one bet's payout entry (as if killed there): that bet stays wholly pending.
            try await database.query(
                """
                CREATE FUNCTION die_on_14000() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'killed'; END $$
                """)
            try await database.query(
                "CREATE TRIGGER die BEFORE INSERT ON bankroll_entries FOR EACH ROW WHEN (NEW.amount = 14000) EXECUTE FUNCTION die_on_14000()")
            let broken = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(broken.items == 6)
            #expect(broken.errors == 1)
            #expect(try await database.count("SELECT count(*) FROM bets WHERE id = \(over) AND status = 'pending' AND payout IS NULL") == 1)
            #expect(try await database.count("SELECT count(*) FROM bankroll_entries WHERE bet_id = \(over)") == 1)  // its stake
            try await database.query("DROP TRIGGER die ON bankroll_entries")
            let run = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(run.items == 1)
            #expect(run.errors == 0)
            let statuses = try await database.query("SELECT id, status, payout, profit FROM bets")
                .reduce(into: [UUID: (String, Int64?, Int64?)]()) { result, row in
                    let (id, status, payout, profit) = try row.decode((UUID, String, Int64?, Int64?).self)
                    result[id] = (status, payout, profit)
                }
            #expect(statuses[home]?.0 == "won" && statuses[home]?.1 == 11_400 && statuses[home]?.2 == 1_400)
            #expect(statuses[over]?.0 == "won" && statuses[over]?.1 == 14_000)
            #expect(statuses[handicap]?.0 == "won" && statuses[handicap]?.1 == 19_700)
            #expect(statuses[away]?.0 == "lost" && statuses[away]?.1 == 0 && statuses[away]?.2 == -10_000)
            #expect(statuses[void]?.0 == "void" && statuses[void]?.1 == 10_000 && statuses[void]?.2 == 0)
            #expect(statuses[pending]?.0 == "pending")
            #expect(statuses[city]?.0 == "won" && statuses[city]?.1 == 12_200)
            #expect(statuses[draw]?.0 == "won" && statuses[draw]?.1 == 36_000)
            let expected: Int64 = 100_000 - 80_000 + 11_400 + 14_000 + 19_700 + 10_000 + 12_200 + 36_000
            #expect(try await fixture.balance(user, bankroll.uuidString) == expected)

            // Running it again pays nothing twice.
            let entries = try await database.count("SELECT count(*) FROM bankroll_entries")
            let again = try await app.services.jobs.runNow("bets.settle", trigger: .manual)
            #expect(again.items == 0)
            #expect(try await database.count("SELECT count(*) FROM bankroll_entries") == entries)
            #expect(try await fixture.balance(user, bankroll.uuidString) == expected)
            let ledger = try await fixture.ledger(bankroll)
            #expect(ledger.sum == expected && ledger.chained && ledger.minimum >= 0)
            #expect(try await database.count("SELECT count(*) FROM bankroll_entries WHERE kind = 'refund' AND caused_by = 'settlement'") == 1)

            // CLV from the stored closing prices (Pinnacle 1.14 / 10.43 / 19.63, multiplicative de-vig).
            let clvRun = try await app.services.jobs.runNow("clv.compute", trigger: .manual)
            // Liverpool h2h home and away, over 2.5 and −2.25 (Pinnacle closed at −2.25 too), City, the draw; not the void bet.
            #expect(clvRun.items == 6)
            let clv = try await database.query(
                "SELECT id, closing_odds::float8, fair_closing_odds::float8, clv::float8, beat_close FROM bets WHERE clv IS NOT NULL")
                .reduce(into: [UUID: (Double?, Double, Double, Bool)]()) { result, row in
                    let (id, closing, fair, value, beat) = try row.decode((UUID, Double?, Double, Double, Bool).self)
                    result[id] = (closing, fair, value, beat)
                }
            let homeCLV = try #require(clv[home])
            #expect(homeCLV.0 == 1.14)  // bet365's own closing price (B365CH)
            #expect(abs(homeCLV.1 - 1.1673744718324477) < 1e-9)
            #expect(abs(homeCLV.2 - (-0.02344960635422977)) < 1e-9)
            #expect(homeCLV.3 == false)
            let overCLV = try #require(clv[over])
            #expect(abs(overCLV.1 - 1.3895348837209303) < 1e-9)
            #expect(abs(overCLV.2 - 0.007531380753138084) < 1e-9)
            #expect(overCLV.3 == true)
            #expect(clv[void] == nil && clv[pending] == nil)
            // West Ham–Man City: bet365 closed 1.25; Pinnacle 11.11 / 6.68 / 1.27 → fair away 1.3044.
            let cityCLV = try #require(clv[city])
            #expect(cityCLV.0 == 1.25)
            #expect(abs(cityCLV.1 - 1.304431191622156) < 1e-9)
            #expect(abs(cityCLV.2 - (-0.06472644334513322)) < 1e-9)
            // Bournemouth–Sheffield United: Pinnacle 1.98 / 3.67 / 4.06 → fair draw 3.7575.
            let drawCLV = try #require(clv[draw])
            #expect(abs(drawCLV.1 - 3.7574762402348614) < 1e-9)
            #expect(abs(drawCLV.2 - (-0.04191010938369055)) < 1e-9)
        }
    }

    @Test func ownersSettleAndCorrectByHandWithLedgerCorrections() async throws {
        let app = try await BettingFixture.makeApp()
        try await app.test { client in
            let fixture = BettingFixture(app: app, client: client)
            let database = app.services.database
            let owner = try await fixture.user()
            let stranger = try await fixture.user()
            let bankroll = try #require(UUID(uuidString: try await fixture.bankrollID(owner, initial: 50_000)))
            let event = try #require(try await app.services.loader.load(
                [SampleEvents.footballMatch(home: "Everton", away: "Fulham", startsAt: Date().addingTimeInterval(-86_400),
                                            externalID: "manual-1", result: nil)], source: .file(.genericCSV)).eventIDs.first)
            let bet = try await Self.placeHistoricalBet(
                database, user: owner.id, bankroll: bankroll, event: event, market: "h2h", selection: "home",
                bookmaker: "bet365", odds: 2.5, stake: 10_000)
            let uri = "/v1/bets/\(bet.uuidString.lowercased())/settle"

            #expect(try await client.postJSON(uri, #"{"status":"won"}"#, token: stranger.token).status == .notFound)
            let won = try await client.postJSON(uri, #"{"status":"won","note":"bookmaker paid"}"#, token: owner.token)
            #expect(won.status == .ok)
            #expect(try won.json()["status"] as? String == "won")
            #expect(try await fixture.balance(owner, bankroll.uuidString) == 40_000 + 25_000)

            // The bookmaker re-graded it as half lost: a correction of 5,000 − 25,000.
            let corrected = try await client.postJSON(uri, #"{"status":"half_lost"}"#, token: owner.token)
            #expect(corrected.status == .ok)
            #expect(try await fixture.balance(owner, bankroll.uuidString) == 40_000 + 5_000)
            #expect(try await database.count(
                "SELECT count(*) FROM bankroll_entries WHERE kind = 'correction' AND amount = -20000 AND bet_id = \(bet)") == 1)
            #expect(try await database.count("SELECT count(*) FROM audit_log WHERE action LIKE 'bet.settle%'") == 2)

            // An admin may grade anyone's bet; bad input is a problem document.
            let admin = try await fixture.user(role: .admin)
            #expect(try await client.postJSON(uri, #"{"status":"push"}"#, token: admin.token).status == .ok)
            #expect(try await fixture.balance(owner, bankroll.uuidString) == 40_000 + 10_000)
            #expect(try await client.postJSON(uri, #"{"status":"maybe"}"#, token: owner.token).status == .badRequest)
            let ledger = try await fixture.ledger(bankroll)
            #expect(ledger.chained && ledger.sum == 50_000)
        }
    }
}
