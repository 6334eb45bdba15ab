import MonPSAPI

/// Operations of the `sports` tag: the catalogue of sports and competitions.
extension APIHandler {
    func listSports(_ input: Operations.ListSports.Input) async throws -> Operations.ListSports.Output {
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let filter = SportFilter(group: input.query.group?.rawValue, active: input.query.active)
        let fetched = try await sports.list(filter: filter, afterKey: page.after?.first, limit: page.limit + 1)
        let (items, nextCursor) = page.page(fetched) { [$0.key] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.Sport.init), nextCursor: .init(nextCursor)))))
    }

    func getSport(_ input: Operations.GetSport.Input) async throws -> Operations.GetSport.Output {
        .ok(.init(body: .json(try Components.Schemas.Sport(try await sports.get(key: input.path.key)))))
    }
}

extension Components.Schemas.Sport {
    init(_ record: SportRecord) throws {
        guard let group = Components.Schemas.SportGroup(rawValue: record.group) else {
            throw APIError.internalError
        }
        self.init(
            key: record.key, group: group, groupTitle: record.groupTitle, title: record.title,
            description: record.description, outcomes: record.outcomes, hasDraw: record.hasDraw, active: record.active,
            oddsApiKey: record.oddsAPIKey)
    }
}
