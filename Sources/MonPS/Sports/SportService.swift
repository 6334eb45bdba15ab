/// What the `sports` feature refuses.
enum SportError: Error, Equatable {
    /// No sport (competition) with this key in the catalogue.
    case notFound(String)
}

/// The catalogue of sports and competitions: reads only, with a missing sport reported as a domain error.
/// `SportsRepository` runs the SQL.
struct SportService: Sendable {
    let repository: any SportsRepository

    func list(filter: SportFilter, afterKey: String?, limit: Int) async throws -> [SportRecord] {
        try await repository.list(filter: filter, afterKey: afterKey, limit: limit)
    }

    func get(key: String) async throws -> SportRecord {
        guard let sport = try await repository.get(key: key) else { throw SportError.notFound(key) }
        return sport
    }
}
