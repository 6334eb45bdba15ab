import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import MonPS

@Suite("Ingestion: monps import and the admin upload", .hangGuard)
struct ImportCommandTests {
    static let malformed = "football_malformed.csv"

    @Test func strictModeImportsNothingWhenARowIsBad() async throws {
        let app = try await TestApp.make()
        let database = app.services.database
        let fixture = IngestionFixtures.fixturesDirectory.appendingPathComponent(Self.malformed).path
        await #expect(throws: ImportError.self) {
            _ = try await MonPSCommands.importFiles(
                config: app.services.config, logger: TestEnvironment.logger, format: .footballData, paths: [fixture],
                sbrSport: nil, strict: true, progress: { _, _, _ in })
        }
        let counts = try await app.services.withRunningDatabase {
            [try await database.count("SELECT count(*) FROM events"), try await database.count("SELECT count(*) FROM import_runs")]
        }
        #expect(counts == [0, 0])
    }

    @Test func lenientModeImportsTheGoodRowsAndReports() async throws {
        let app = try await TestApp.make()
        let fixture = IngestionFixtures.fixturesDirectory.appendingPathComponent(Self.malformed).path
        let progress = ProgressLog()
        let summary = try await MonPSCommands.importFiles(
            config: app.services.config, logger: TestEnvironment.logger, format: .footballData, paths: [fixture],
            sbrSport: nil, strict: false, progress: { done, total, _ in progress.append(done, total) })
        #expect(progress.steps == [[1, 2], [2, 2]])
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("football_malformed.csv"))
        // rows 5, events 2, created 2, matched 0, snapshots 8 + Tottenham's, skipped 3 rows.
        let columns = lines[1].split(separator: " ").map(String.init)
        #expect(Array(columns.suffix(8)) == ["5", "2", "2", "0", "\(columns[5])", "0", "2", "3"])
        #expect(summary.contains("8 issue(s):"))
        #expect(summary.contains("line 4: missing home team [row_skipped]"))

        let again = try await MonPSCommands.importFiles(
            config: app.services.config, logger: TestEnvironment.logger, format: .footballData, paths: [fixture],
            sbrSport: nil, strict: false, progress: { _, _, _ in })
        let againColumns = again.split(separator: "\n")[1].split(separator: " ").map(String.init)
        #expect(againColumns[3] == "0")  // created
        #expect(againColumns[4] == "2")  // matched
        #expect(againColumns[5] == "0")  // snapshots added
    }

    /// A file of current prices (an upcoming match, six books, one offering 5.60 against a fair ~4.2) is examined at
    /// once: the import ends with the opportunity stored.
    @Test func importingCurrentPricesRunsDetection() async throws {
        let app = try await TestApp.make()
        let start = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 86_400))
        let captured = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
        var lines = ["sport_key,competition,event_id,starts_at,home,away,bookmaker,market,outcome,point,price,captured_at,is_closing"]
        for (book, odds) in OpportunitiesTests.books {
            for (outcome, price) in zip(["home", "draw", "away"], odds) {
                lines.append("soccer_epl,EPL,cur-1,\(start),Arsenal,Chelsea,\(book),h2h,\(outcome),,\(price),\(captured),false")
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("current-\(UUID().uuidString).csv")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let summary = try await MonPSCommands.importFiles(
            config: app.services.config, logger: TestEnvironment.logger, format: .csv, paths: [file.path],
            sbrSport: nil, strict: true, progress: { _, _, _ in })
        #expect(summary.contains("opportunities: 1 active on 1 upcoming event(s)"))
        let stored = try await app.services.withRunningDatabase {
            try await app.services.database.query("SELECT bookmaker, price FROM opportunities WHERE status = 'active'")
                .map { try $0.decode((String, Double).self) }
        }
        #expect(stored.count == 1)
        #expect(stored.first?.0 == "betvictor" && stored.first?.1 == 5.60)
    }

    @Test func badPathsAndArgumentsGiveClearErrors() async throws {
        let app = try await TestApp.make()
        let config = app.services.config
        await #expect(throws: ImportError.invalidInput("/nonexistent/file.csv: no such file or folder")) {
            _ = try await MonPSCommands.importFiles(
                config: config, logger: TestEnvironment.logger, format: .csv, paths: ["/nonexistent/file.csv"],
                sbrSport: nil, strict: false, progress: { _, _, _ in })
        }
        await #expect(throws: ImportError.invalidInput("--sport must be one of nhl, mlb, nba for SBR archives")) {
            _ = try await MonPSCommands.importFiles(
                config: config, logger: TestEnvironment.logger, format: .sbr, paths: ["x"], sbrSport: "cricket",
                strict: false, progress: { _, _, _ in })
        }
        let empty = IngestionFixtures.fixturesDirectory.appendingPathComponent("empty.csv").path
        do {
            _ = try await MonPSCommands.importFiles(
                config: config, logger: TestEnvironment.logger, format: .footballData, paths: [empty], sbrSport: nil,
                strict: false, progress: { _, _, _ in })
            Issue.record("an empty file must not import")
        } catch let error as ImportError {
            guard case .unreadable(let file, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(file == "empty.csv")
        }
    }

    /// Files are parsed concurrently; the error is still the first broken file's in the given order, and nothing
    /// of the good files is written.
    @Test func theFirstBrokenFileInOrderStopsTheImport() async throws {
        let app = try await TestApp.make()
        let good = try IngestionFixtures.fixture(Self.malformed)
        let files = [("a.csv", good), ("b-broken.csv", [UInt8]()), ("c.csv", good), ("d-broken.csv", [UInt8]()), ("e.csv", good)]
            .map { ImportFile(source: .footballData, name: $0.0, bytes: $0.1) }
        let importer = HistoricalImporter(loader: OddsLoader(database: app.services.database, logger: TestEnvironment.logger))
        let parsed = ProgressLog()
        let counts = try await app.services.withRunningDatabase {
            do {
                _ = try await importer.run(files, strict: false) { step in
                    if case .parsed(_, let index, let total) = step { parsed.append(index, total) }
                }
                Issue.record("broken files must stop the import")
            } catch let error as ImportError {
                guard case .unreadable(let file, _) = error else { Issue.record("unexpected \(error)"); return [-1] }
                #expect(file == "b-broken.csv")
            }
            return [try await app.services.database.count("SELECT count(*) FROM events")]
        }
        #expect(counts == [0])
        #expect(parsed.steps == (1...5).map { [$0, 5] })
    }

    @Test func adminUploadImportsOnceAndChecksAccess() async throws {
        let app = try await TestApp.make()
        let fixtureBytes = try IngestionFixtures.fixture(Self.malformed)
        try await app.test { client in
            let accounts = TestAccounts(app: app, client: client)
            let admin = try await accounts.token(role: .admin)
            let user = try await accounts.token(role: .user)
            func upload(_ query: String, token: String, body: [UInt8]? = nil, type: String = "text/csv") async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/admin/imports?\(query)", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: type], body: ByteBuffer(bytes: body ?? fixtureBytes))
            }
            let first = try await upload("format=football-data&file_name=E0_fixture.csv", token: admin)
            #expect(first.status == .ok)
            let report = try first.json()
            #expect(report["events_created"] as? Int == 2)
            #expect(report["rows_skipped"] as? Int == 3)
            #expect(report["rows_read"] as? Int == 5)
            #expect((report["issues"] as? [[String: Any]])?.count == 8)
            let added = try #require(report["snapshots_added"] as? Int)
            #expect(added > 8)

            let second = try await upload("format=football-data&file_name=E0_fixture.csv", token: admin, type: "application/octet-stream")
            #expect(second.status == .ok)
            #expect(try second.json()["snapshots_added"] as? Int == 0)
            #expect(try second.json()["snapshots_known"] as? Int == added)

            let strict = try await upload("format=football-data&file_name=E0_fixture.csv&strict=true", token: admin)
            #expect(strict.status == .unprocessableContent)
            #expect(strict.headers[.contentType] == "application/problem+json")
            #expect(try strict.json()["title"] as? String == "Import refused")

            #expect(try await upload("format=football-data&file_name=E0_fixture.csv", token: user).status == .forbidden)
            // A rule across parameters: well-formed, refused (422), as the contract says.
            #expect(try await upload("format=sbr&file_name=nhl_odds_2019-20.csv", token: admin).status == .unprocessableContent)
            #expect(try await upload("format=football-data&file_name=a.csv", token: admin, body: []).status == .badRequest)
            #expect(try await upload("format=football-data&file_name=a.csv", token: admin, type: "image/png").status == .unsupportedMediaType)
            let garbage = try await upload("format=football-data&file_name=a.csv", token: admin, body: Array("\u{0}\u{1}binary".utf8))
            #expect(garbage.status == .unprocessableContent)
            #expect(try await upload("format=xls&file_name=a.csv", token: admin).status == .badRequest)
            #expect(try await app.services.database.count("SELECT count(*) FROM events") == 2)
            #expect(try await app.services.database.count("SELECT count(*) FROM audit_log WHERE action = 'import.file'") == 2)
        }
    }

    /// A workbook through `monps import` (a folder holding it) and the admin upload: same rows, issues and `--strict`
    /// as a CSV; an old `.xls` is refused with the way to convert it.
    @Test func xlsxThroughTheCommandAndTheUpload() async throws {
        let app = try await TestApp.make()
        let workbook = try XLSXImportTests.workbook()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monps-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(workbook).write(to: folder.appendingPathComponent("E0_2019-20.xlsx"))
        @Sendable func run(strict: Bool) async throws -> String {
            try await MonPSCommands.importFiles(
                config: app.services.config, logger: TestEnvironment.logger, format: .footballData, paths: [folder.path],
                sbrSport: nil, strict: strict, progress: { _, _, _ in })
        }
        try await app.test { client in
            let database = app.services.database
            await #expect(throws: ImportError.self) { _ = try await run(strict: true) }
            #expect(try await database.count("SELECT count(*) FROM events") == 0)
            let summary = try await run(strict: false)
            let line = summary.split(separator: "\n")[1]
            #expect(line.hasPrefix("E0_2019-20.xlsx"))
            #expect(Array(line.split(separator: " ").suffix(8)) == ["4", "2", "2", "0", "8", "0", "2", "2"])
            #expect(summary.contains("line 5: missing home team [row_skipped]"))

            let admin = try await TestAccounts(app: app, client: client).token(role: .admin)
            func upload(_ bytes: [UInt8], name: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/admin/imports?format=football-data&file_name=\(name)", method: .post,
                    headers: [.authorization: "Bearer \(admin)", .contentType: "application/octet-stream"],
                    body: ByteBuffer(bytes: bytes))
            }
            let again = try await upload(workbook, name: "E0_2019-20.xlsx")
            #expect(again.status == .ok)
            let report = try again.json()
            #expect(report["rows_read"] as? Int == 4 && report["rows_skipped"] as? Int == 2)
            #expect(report["events_matched"] as? Int == 2 && report["snapshots_added"] as? Int == 0)
            #expect(report["snapshots_known"] as? Int == 8)
            let xls = try await upload([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100), name: "E0.xls")
            #expect(xls.status == .unprocessableContent)
            #expect(xls.headers[.contentType] == "application/problem+json")
            #expect((try xls.json()["detail"] as? String)?.contains("save it as .xlsx or CSV") == true)
            #expect(try await database.count("SELECT count(*) FROM events") == 2)
        }
    }
}

/// Records progress callbacks (called from the importer's task).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[Int]] = []
    func append(_ done: Int, _ total: Int) { lock.withLock { recorded.append([done, total]) } }
    var steps: [[Int]] { lock.withLock { recorded } }
}
