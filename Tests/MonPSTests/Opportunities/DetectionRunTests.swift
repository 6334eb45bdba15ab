import Foundation
import MonPSCore
import Testing
@testable import MonPS

@Suite("Detection run: batched writes, the history the agents see, monps detect", .hangGuard)
struct DetectionRunTests {
    /// A later betvictor away price for the event of ``OpportunitiesTests/seed(_:startsIn:)``.
    static func reprice(_ app: TestApp, event: Int64, away: Double) async throws {
        let starts = try #require(try await app.services.database.query("SELECT starts_at FROM events WHERE id = \(event)")
            .first?.decode(Date.self))
        let at = Date().addingTimeInterval(-60)
        let prices = zip([PriceOutcome.home, .draw, .away], [1.90, 3.50, away]).map { outcome, price in
            SampleEvents.price("betvictor", .h2h, outcome, price, at: at)
        }
        let again = ImportedEvent(
            sportKey: "soccer_epl", competition: "E0", home: "Arsenal", away: "Chelsea", startsAt: starts,
            externalID: "opp-1", snapshots: prices, result: nil, sourceLine: 1)
        _ = try await app.services.loader.load([again], source: .file(.genericCSV))
    }

    @Test func aSelectionFoundAgainIsUpdatedInPlaceAndKeepsItsDetectionTime() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let db = app.services.database
            let event = try await OpportunitiesTests.seed(app)
            let detector = OpportunityDetector(database: db, logger: TestEnvironment.logger)
            #expect(try await detector.detect(now: Date()).active == 1)
            let (id, _) = try #require(try await db.query("SELECT id, detected_at FROM opportunities").first?
                .decode((UUID, Date).self))
            // Pretend it was first detected an hour ago, then the lagging price moves further out.
            let detected = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded())
            try await db.query("UPDATE opportunities SET detected_at = \(detected), updated_at = \(detected)")
            try await Self.reprice(app, event: event, away: 5.80)

            let again = try await detector.detect(now: Date())
            #expect(again.active == 1)
            #expect(again.withdrawn == 0)
            let rows = try await db.query("SELECT id, detected_at, updated_at, price, status FROM opportunities")
            #expect(rows.count == 1)
            let (sameID, keptDetected, updated, price, status) = try #require(rows.first)
                .decode((UUID, Date, Date, Double, String).self)
            #expect(sameID == id)
            #expect(keptDetected == detected)
            #expect(updated > detected)
            #expect(price == 5.80)
            #expect(status == "active")
        }
    }

    @Test func severalOpportunitiesAreWrittenInOneRunAndTheRestWithdrawn() async throws {
        let app = try await TestApp.make()
        try await app.test { _ in
            let db = app.services.database
            let first = try await OpportunitiesTests.seed(app)
            // A second match with the same lagging away price.
            let start = Date().addingTimeInterval(50 * 3600)
            let at = Date().addingTimeInterval(-600)
            let books: [(String, [Double])] = [
                ("pinnacle", [1.98, 3.55, 4.05]), ("bet365", [1.95, 3.50, 4.00]), ("williamhill", [1.93, 3.40, 4.00]),
                ("unibet", [1.96, 3.45, 3.95]), ("bwin", [1.94, 3.50, 3.90]), ("betvictor", [1.90, 3.50, 5.60]),
            ]
            let prices = books.flatMap { book, odds in
                zip([PriceOutcome.home, .draw, .away], odds).map { SampleEvents.price(book, .h2h, $0, $1, at: at) }
            }
            let second = ImportedEvent(
                sportKey: "soccer_epl", competition: "E0", home: "Everton", away: "Fulham", startsAt: start,
                externalID: "opp-2", snapshots: prices, result: nil, sourceLine: 1)
            _ = try await app.services.loader.load([second], source: .file(.genericCSV))

            let detector = OpportunityDetector(database: db, logger: TestEnvironment.logger)
            let run = try await detector.detect(now: Date())
            #expect(run.events == 2)
            #expect(run.markets == 2)
            #expect(run.active == 2)
            #expect(run.signals >= 4)  // consensus and sharp value on each
            #expect(try await db.count("SELECT count(DISTINCT event_id) FROM opportunities WHERE status = 'active'") == 2)
            let competition = try await db.query("SELECT DISTINCT competition FROM opportunities").map { try $0.decode(String?.self) }
            #expect(competition == ["E0"])

            // The first match's lagging price comes back in line: its opportunity alone is withdrawn.
            try await DetectionRunTests.reprice(app, event: first, away: 4.00)
            let next = try await detector.detect(now: Date())
            #expect(next.active == 1)
            #expect(next.withdrawn == 1)
            #expect(try await db.count("SELECT count(*) FROM opportunities WHERE status = 'withdrawn' AND event_id = \(first)") == 1)
        }
    }

    @Test func monpsDetectPrintsWhatItReadAndFound() async throws {
        let url = try await TestDatabases.shared.makeMigrated()
        let app = try await TestApp.make(database: url)
        _ = try await app.test { _ in try await OpportunitiesTests.seed(app) }
        let config = try TestEnvironment.config(database: url)
        let json = try await MonPSCommands.detect(config: config, logger: TestEnvironment.logger, json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["events"] as? Int == 1)
        #expect(object["latest_read"] as? Int == 18)
        #expect(object["history_read"] as? Int == 3)  // Pinnacle's: the only history the steam agent reads
        #expect(object["markets"] as? Int == 1)
        #expect(object["active"] as? Int == 1)
        #expect((object["elapsed_ms"] as? Double ?? -1) >= 0)
        for phase in ["load_ms", "build_ms", "agents_ms", "consensus_ms", "write_ms"] {
            #expect(object[phase] is Double || object[phase] is Int, "\(phase)")
        }
        let text = try await MonPSCommands.detect(config: config, logger: TestEnvironment.logger, json: false)
        #expect(text.contains("events          1"))
        #expect(text.contains("opportunities   1 active, 0 withdrawn, 0 expired"))
        #expect(text.contains("prices read     21 (18 current, 3 history)"))
        // Each run rewrites the entry of the opportunity it updates.
        #expect(object["listed"] as? Int == 1)
        #expect(text.contains("list entries    1 written"))

        // `monps relist` writes the entries that are missing, and only those.
        #expect(try await MonPSCommands.relist(config: config, logger: TestEnvironment.logger) == "list entries written: 0")
        let services = try AppServices(config: config, logger: TestEnvironment.logger)
        _ = try await services.withRunningDatabase {
            try await services.database.query("UPDATE opportunities SET listing = NULL")
        }
        #expect(try await MonPSCommands.relist(config: config, logger: TestEnvironment.logger) == "list entries written: 1")
    }
}
