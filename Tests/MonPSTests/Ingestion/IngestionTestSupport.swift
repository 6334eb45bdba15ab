import Foundation
import Synchronization
import Testing
import MonPSCore
@testable import MonPS

/// Paths and helpers shared by the ingestion parser suites.
enum IngestionFixtures {
    /// This file's directory with symlinks resolved (the tests may be compiled through a symlink).
    static let testsDirectory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// `Tests/MonPSTests/Fixtures/Ingestion`.
    static let fixturesDirectory = testsDirectory.deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Ingestion")

    /// `MONPS_DATA_DIR`, else `<repo>/../shared/data`.
    static let dataDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["MONPS_DATA_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let repo = testsDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/data")
    }()

    /// `true` when the shared historical data set is present.
    static let dataAvailable: Bool = FileManager.default.fileExists(
        atPath: dataDirectory.appendingPathComponent("football/E0_2019-20.csv").path)

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        try bytes(fixturesDirectory.appendingPathComponent(name))
    }

    static func dataFile(_ folder: String, _ name: String) throws -> [UInt8] {
        try bytes(dataDirectory.appendingPathComponent(folder).appendingPathComponent(name))
    }

    /// The parser a folder of the shared data set needs.
    static func parser(forFolder folder: String) -> any HistoricalFileParser {
        switch folder {
        case "football": FootballDataParser()
        case "tennis": TennisDataParser()
        case "nhl": SBRParser(sport: .nhl)
        case "mlb": SBRParser(sport: .mlb)
        default: SBRParser(sport: .nba)
        }
    }

    /// Parses a data file once per test process (the suites share the result).
    static func parseData(_ folder: String, _ name: String) throws -> ParsedFile {
        let key = "\(folder)/\(name)"
        if let cached = parsedCache.withLock({ $0[key] }) { return cached }
        let parsed = try parseDataFresh(folder, name)
        parsedCache.withLock { $0[key] = parsed }
        return parsed
    }

    /// Parses a data file without the cache.
    static func parseDataFresh(_ folder: String, _ name: String) throws -> ParsedFile {
        try parser(forFolder: folder).parse(dataFile(folder, name), fileName: name)
    }

    private static let parsedCache = Mutex<[String: ParsedFile]>([:])

    /// `2019-08-09T19:00:00Z` → Date.
    static func utc(_ text: String) -> Date {
        GenericCSVParser.isoInstant(text)!
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

extension ImportedEvent {
    /// The single snapshot matching the filters (fails the test when there is not exactly one).
    func price(
        _ book: String, _ market: MarketType, _ outcome: PriceOutcome, closing: Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ImportedPrice? {
        let matches = snapshots.filter {
            $0.bookmakerKey == book && $0.market == market && $0.outcome == outcome && $0.isClosing == closing
        }
        #expect(matches.count == 1, "\(externalID): \(matches.count) prices for \(book) \(market.rawValue) \(outcome.rawValue) closing=\(closing)",
                sourceLocation: sourceLocation)
        return matches.first
    }
}
