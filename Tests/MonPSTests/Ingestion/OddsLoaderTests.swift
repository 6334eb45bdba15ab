import Foundation
import PostgresNIO
import Testing
import MonPSCore
@testable import MonPS

@Suite("Ingestion: loading events, prices and results into PostgreSQL", .hangGuard)
struct OddsLoaderTests {
    func loader() async throws -> (OddsLoader, TestApp) {
        let app = try await TestApp.make()
        return (OddsLoader(database: app.services.database, logger: TestEnvironment.logger), app)
    }

    @Test func loadsEventsPricesResultsAndIsIdempotent() async throws {
        let (loader, app) = try await loader()
        let database = app.services.database
        try await app.services.withRunningDatabase {
            let first = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            #expect(first.eventsCreated == 1)
            #expect(first.eventsMatched == 0)
            #expect(first.snapshotsAdded == 13)
            #expect(first.snapshotsKnown == 0)
            #expect(first.resultsStored == 1)
            #expect(first.rejected.isEmpty)

            let again = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            #expect(again.eventsCreated == 0)
            #expect(again.eventsMatched == 1)
            #expect(again.snapshotsAdded == 0)
            #expect(again.snapshotsKnown == 13)
            #expect(again.resultsStored == 0)
            #expect(again.eventIDs == first.eventIDs)

            #expect(try await database.count("SELECT count(*) FROM events") == 1)
            #expect(try await database.count("SELECT count(*) FROM odds_snapshots") == 13)
            #expect(try await database.count("SELECT count(*) FROM event_results WHERE winner = 'home' AND home_score = 2") == 1)
            #expect(try await database.count("SELECT count(*) FROM events WHERE status = 'finished'") == 1)
            // Latest = the closing prices for pinnacle h2h; totals/spreads appear once. The event had started: those
            // rows are in closing_odds only, read through current_odds.
            #expect(try await database.count("SELECT count(*) FROM latest_odds") == 0)
            let latest = try await database.query(
                """
                SELECT l.price FROM current_odds l JOIN bookmakers b ON b.id = l.bookmaker_id
                WHERE b.key = 'pinnacle' AND l.market = 'h2h' AND l.outcome = 'home'
                """)
            #expect(try latest.first?.decode(Double.self) == 1.95)
            // The event has started (2023): its closing line is recorded.
            let closing = try await database.query(
                """
                SELECT c.price FROM closing_odds c JOIN bookmakers b ON b.id = c.bookmaker_id
                WHERE b.key = 'pinnacle' AND c.market = 'h2h' AND c.outcome = 'away'
                """)
            #expect(try closing.first?.decode(Double.self) == 4.10)
            // pinnacle h2h (closing) 3 + bet365 h2h (early, its last before the start) 3 + totals 2 + spreads 2.
            #expect(try await database.count("SELECT count(*) FROM closing_odds") == 10)
            #expect(try await database.count("SELECT count(*) FROM events WHERE closing_marked_at IS NOT NULL") == 1)
        }
    }

    @Test func aliasesResolveSpellingsToOneParticipant() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            let first = SampleEvents.footballMatch(home: "Man United", away: "Liverpool", externalID: "a")
            let second = SampleEvents.footballMatch(
                home: "Manchester Utd", away: "Liverpool FC", startsAt: SampleEvents.kickoff.addingTimeInterval(86_400 * 30),
                externalID: "b")
            let third = SampleEvents.footballMatch(
                home: "Liverpool", away: "Manchester United", startsAt: SampleEvents.kickoff.addingTimeInterval(86_400 * 60),
                externalID: "c")
            _ = try await loader.load([first, second, third], source: .file(.footballData))
            let database = app.services.database
            #expect(try await database.count("SELECT count(*) FROM participants") == 2)
            #expect(try await database.count("SELECT count(*) FROM events") == 3)
            let names = try await database.query("SELECT name FROM participants ORDER BY name").map { try $0.decode(String.self) }
            #expect(names == ["Liverpool", "Man United"])
        }
    }

    @Test func anotherSourceMatchesTheSameGameWithinTheWindow() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            let historical = try await loader.load([SampleEvents.footballMatch(externalID: "E0-1")], source: .file(.footballData))
            // The Odds API spells it differently and has the exact kick-off 90 minutes later than the file's.
            let live = SampleEvents.footballMatch(
                home: "Manchester United", away: "Liverpool", startsAt: SampleEvents.kickoff.addingTimeInterval(5400),
                externalID: "abc123", result: nil)
            let matched = try await loader.load([live], source: .oddsAPI)
            #expect(matched.eventsCreated == 0)
            #expect(matched.eventsMatched == 1)
            #expect(matched.eventIDs == historical.eventIDs)
            // Same prices at different instants are new snapshots; source recorded per row.
            #expect(matched.snapshotsAdded == 13)
            #expect(try await app.services.database.count("SELECT count(*) FROM odds_snapshots WHERE source = 'odds-api'") == 13)
            #expect(try await app.services.database.count("SELECT count(*) FROM event_external_ids") == 2)
        }
    }

    @Test func doubleheaderGamesStayApart() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            func game(_ id: String, hour: Double) -> ImportedEvent {
                ImportedEvent(
                    sportKey: "baseball_mlb", competition: "MLB", home: "NYY", away: "BOS",
                    startsAt: SampleEvents.kickoff.addingTimeInterval(hour * 3600), externalID: id,
                    snapshots: [SampleEvents.price("sbr", .h2h, .home, 1.8, at: SampleEvents.kickoff)],
                    result: nil, sourceLine: 1)
            }
            let summary = try await loader.load([game("g1", hour: 0), game("g1#2", hour: 0)], source: .file(.sbr))
            #expect(summary.eventsCreated == 2)
            #expect(Set(summary.eventIDs).count == 2)
        }
    }

    @Test func badEventsAndPricesAreRejectedOthersLoaded() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            var unknownSport = SampleEvents.footballMatch(externalID: "x1")
            unknownSport.sportKey = "curling_world"
            unknownSport.sourceLine = 5
            var sameTeams = SampleEvents.footballMatch(home: "Arsenal", away: "Arsenal FC", externalID: "x2")
            sameTeams.sourceLine = 6
            var badPrice = SampleEvents.footballMatch(home: "Chelsea", away: "Everton", externalID: "x3")
            badPrice.sourceLine = 7
            badPrice.snapshots.append(SampleEvents.price("pinnacle", .h2h, .over, 2.0, at: SampleEvents.kickoff))
            badPrice.snapshots.append(SampleEvents.price("BAD KEY", .h2h, .home, 2.0, at: SampleEvents.kickoff))
            let summary = try await loader.load([unknownSport, sameTeams, badPrice], source: .file(.genericCSV))
            #expect(summary.eventsCreated == 1)
            #expect(summary.snapshotsAdded == 13)
            #expect(summary.rejected.map(\.line) == [5, 6, 7])
            #expect(summary.rejected[0].reason.contains("unknown sport key 'curling_world'"))
            #expect(summary.rejected[0].effect == .rowSkipped)
            #expect(summary.rejected[2].effect == .valueSkipped)
            #expect(summary.rejected[2].reason.contains("2 price(s) skipped"))
        }
    }

    @Test func pricesFarFromTheStartAreSkipped() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            var event = SampleEvents.footballMatch()
            event.snapshots.append(SampleEvents.price("pinnacle", .h2h, .home, 2.0, at: Date(timeIntervalSince1970: -4_000_000_000)))
            let summary = try await loader.load([event], source: .file(.footballData))
            #expect(summary.snapshotsAdded == 13)
            #expect(summary.rejected.count == 1)
            #expect(summary.rejected.first?.reason.contains("captured more than a year") == true)
        }
    }

    @Test func aFailedLoadLeavesNothingBehind() async throws {
        let (loader, app) = try await loader()
        let database = app.services.database
        try await app.services.withRunningDatabase {
            _ = try await loader.load([SampleEvents.footballMatch(externalID: "keep")], source: .file(.footballData))
            // A failure late in the load (results are stored after participants, events and ids).
            try await database.query(
                """
                CREATE FUNCTION fail_on_boom() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'boom'; END $$
                """)
            try await database.query(
                """
                CREATE TRIGGER boom BEFORE INSERT ON event_results FOR EACH ROW
                WHEN (NEW.notes = 'boom') EXECUTE FUNCTION fail_on_boom()
                """)
            var broken = SampleEvents.footballMatch(home: "Chelsea", away: "Everton", externalID: "broken")
            broken.result?.notes = "boom"
            await #expect(throws: (any Error).self) {
                _ = try await loader.load([broken], source: .file(.footballData))
            }
            #expect(try await database.count("SELECT count(*) FROM events") == 1)
            #expect(try await database.count("SELECT count(*) FROM participants") == 2)
            #expect(try await database.count("SELECT count(*) FROM odds_snapshots") == 13)
        }
    }

    @Test func aCorrectedResultIsStoredAndCounted() async throws {
        let (loader, app) = try await loader()
        try await app.services.withRunningDatabase {
            _ = try await loader.load([SampleEvents.footballMatch()], source: .file(.footballData))
            let corrected = SampleEvents.footballMatch(result: ImportedResult(
                homeScore: 2, awayScore: 2, regulationHome: 2, regulationAway: 2, status: .finished, winner: .draw))
            let summary = try await loader.load([corrected], source: .file(.footballData))
            #expect(summary.resultsStored == 1)
            #expect(try await app.services.database.count("SELECT count(*) FROM event_results WHERE winner = 'draw'") == 1)
        }
    }

    /// New events are written once with the status their result gives them and their closing line marked;
    /// events seen before move on when a later load brings their result.
    @Test func eventsTakeTheStatusOfTheirResult() async throws {
        let (loader, app) = try await loader()
        let database = app.services.database
        try await app.services.withRunningDatabase {
            let pending = SampleEvents.footballMatch(externalID: "pending", result: nil)
            let called = SampleEvents.footballMatch(
                home: "Arsenal", away: "Chelsea", externalID: "called-off",
                result: ImportedResult(homeScore: 0, awayScore: 0, status: .cancelled, winner: nil))
            _ = try await loader.load([pending, called], source: .file(.footballData))
            let statuses = try await database.query(
                "SELECT x.external_id, e.status, e.closing_marked_at IS NOT NULL FROM events e JOIN event_external_ids x ON x.event_id = e.id ORDER BY 1")
            #expect(try statuses.map { try $0.decode((String, String, Bool).self) }.map { "\($0.0) \($0.1) \($0.2)" }
                == ["called-off cancelled true", "pending scheduled true"])

            let settled = try await loader.load([SampleEvents.footballMatch(externalID: "pending")], source: .file(.footballData))
            #expect(settled.eventsMatched == 1 && settled.resultsStored == 1)
            #expect(try await database.count("SELECT count(*) FROM events WHERE status = 'finished'") == 1)
            #expect(try await database.count("SELECT count(*) FROM events WHERE status = 'scheduled'") == 0)
        }
    }

    @Test func participantKeysIgnoreSpellingNoise() {
        #expect(ParticipantName.key("Man United") == "manchester united")
        #expect(ParticipantName.key("Manchester Utd") == "manchester united")
        #expect(ParticipantName.key("Manchester United FC") == "manchester united")
        #expect(ParticipantName.key("Nott'm Forest") == "nottingham forest")
        #expect(ParticipantName.key("Atlético Madrid") == "atletico madrid")
        #expect(ParticipantName.key("Brighton & Hove Albion") == "brighton")
        #expect(ParticipantName.key("Man City") != ParticipantName.key("Man United"))
        #expect(ParticipantName.key("AFC Bournemouth") == ParticipantName.key("Bournemouth"))
        // The Odds API's full names meet football-data.co.uk's short ones.
        #expect(ParticipantName.key("Tottenham Hotspur") == ParticipantName.key("Tottenham"))
        #expect(ParticipantName.key("Wolverhampton Wanderers") == ParticipantName.key("Wolves"))
        #expect(ParticipantName.key("Brighton and Hove Albion") == ParticipantName.key("Brighton"))
        #expect(ParticipantName.key("Nottingham Forest") == ParticipantName.key("Nott'm Forest"))
        #expect(ParticipantName.key("Paris Saint-Germain") == ParticipantName.key("Paris SG"))
    }

    @Test func copyEncoderEscapesAndFormatsTimestamps() {
        var encoder = CopyTextEncoder()
        encoder.text("a\tb\\c\nd")
        encoder.null()
        encoder.double(1.9090909090909092)
        encoder.timestamp(Date(timeIntervalSince1970: 1_700_000_000.25))
        encoder.timestamp(Date(timeIntervalSince1970: -86_400))
        encoder.endRow()
        let text = String(buffer: encoder.take())
        #expect(text == "a\\tb\\\\c\\nd\t\\N\t1.9090909090909092\t2023-11-14 22:13:20.250000+00\t1969-12-31 00:00:00+00\n")
    }
}
