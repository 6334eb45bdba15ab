import Foundation

/// One `Migrations/NNNN_name.sql` file: its number orders it, its SHA-256 guards it against later edits.
public struct MigrationFile: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    public var checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = Hex.encode(CryptoPrimitives.sha256(sql))
    }

    /// `0002_sports` for display and for the migrations table.
    public var identifier: String { String(format: "%04d_%@", version, name) }

    public static func parse(fileName: String, contents: String) throws(MigrationError) -> MigrationFile {
        guard fileName.hasSuffix(".sql") else { throw .badFileName(fileName) }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0,
            stem[..<underscore].count == 4
        else { throw .badFileName(fileName) }
        let name = String(stem[stem.index(after: underscore)...])
        guard !name.isEmpty else { throw .badFileName(fileName) }
        return MigrationFile(version: version, name: name, sql: contents)
    }

    /// Every `NNNN_*.sql` in `directory`, ordered by number; duplicate numbers are an error.
    public static func load(directory: URL) throws(MigrationError) -> [MigrationFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .unreadable(directory.path)
        }
        var files: [MigrationFile] = []
        for name in names where name.hasSuffix(".sql") {
            guard let contents = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
                throw .unreadable(name)
            }
            files.append(try parse(fileName: name, contents: contents))
        }
        files.sort { $0.version < $1.version }
        for (previous, next) in zip(files, files.dropFirst()) where previous.version == next.version {
            throw .duplicateVersion(previous.version)
        }
        return files
    }

    /// The migrations shipped inside the MonPS resource bundle (SwiftPM copies `Migrations/*.sql` there).
    public static func bundled() throws(MigrationError) -> [MigrationFile] {
        guard let url = Bundle.module.resourceURL else { throw .unreadable("the MonPS resource bundle") }
        return try load(directory: url)
    }
}

public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case badFileName(String)
    case unreadable(String)
    case duplicateVersion(Int)
    /// An applied migration's file no longer matches what was applied.
    case changedAfterApply(String)
    /// The database has a migration this build does not know (a newer build migrated it).
    case unknownApplied(String)
    case failed(String, String)
    case pending([String])

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file \(name) is not named NNNN_name.sql"
        case .unreadable(let name): "cannot read \(name)"
        case .duplicateVersion(let version): "two migration files share the number \(String(format: "%04d", version))"
        case .changedAfterApply(let name):
            "migration \(name) was changed after it was applied; restore the file and add a new migration instead"
        case .unknownApplied(let name): "the database has migration \(name) applied, which this build does not have"
        case .failed(let name, let reason): "migration \(name) failed and was rolled back: \(reason)"
        case .pending(let names):
            "the database has \(names.count) pending migration(s): \(names.joined(separator: ", ")); run `monps migrate` or start with --migrate"
        }
    }
}
