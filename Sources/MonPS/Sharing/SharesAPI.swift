import Foundation
import MonPSAPI

/// Operations of the `shares` tag.
extension APIHandler {
    func shareOpportunity(_ input: Operations.ShareOpportunity.Input) async throws -> Operations.ShareOpportunity.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        guard let opportunity = UUID(uuidString: input.path.id) else {
            throw APIError.notFound("no opportunity with id \(input.path.id.prefix(64))")
        }
        let created = try await shares.share(
            opportunity: opportunity, owner: principal.userID, emails: body.emails ?? [], publicLink: body._public ?? false,
            expiresInHours: body.expiresInHours, note: body.note, context: .current)
        return .created(.init(body: .json(.init(
            shares: try await created.shares.asyncMap { try await self.share($0) },
            link: created.linkToken.map { "/v1/shared/\($0)" }, token: created.linkToken))))
    }

    func listReceivedShares(_ input: Operations.ListReceivedShares.Input) async throws -> Operations.ListReceivedShares.Output {
        let (data, next) = try await sharePage(received: true, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(next)))))
    }

    func listSentShares(_ input: Operations.ListSentShares.Input) async throws -> Operations.ListSentShares.Output {
        let (data, next) = try await sharePage(received: false, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(data: data, nextCursor: .init(next)))))
    }

    func revokeShare(_ input: Operations.RevokeShare.Input) async throws -> Operations.RevokeShare.Output {
        let principal = try RequestScope.requirePrincipal()
        guard let id = UUID(uuidString: input.path.id) else { throw APIError.notFound("no such share") }
        try await shares.revoke(id, owner: principal.userID)
        return .noContent(.init())
    }

    func getSharedOpportunity(_ input: Operations.GetSharedOpportunity.Input) async throws -> Operations.GetSharedOpportunity.Output {
        guard let id = try await shares.opportunity(forToken: input.path.token),
              let record = try await opportunityService.record(id) else {
            throw APIError.notFound("this link does not exist, has expired or was revoked")
        }
        return .ok(.init(body: .json(try .init(record))))
    }

    private func sharePage(received: Bool, limit: Int?, cursor: String?) async throws -> ([Components.Schemas.Share], String?) {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: limit, cursor: cursor)
        let after = try page.after.map { values -> (micros: Int64, id: UUID) in
            guard values.count == 2, let micros = Int64(values[0]), let id = UUID(uuidString: values[1]) else {
                throw APIError.invalidParameter("cursor", "is not a cursor returned by this API")
            }
            return (micros, id)
        }
        let fetched = try await shares.list(user: principal.userID, received: received, after: after, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.1), $0.0.id.uuidString] }
        var data: [Components.Schemas.Share] = []
        for (record, _) in items { data.append(try await share(record)) }
        return (data, next)
    }

    private func share(_ record: ShareRecord) async throws -> Components.Schemas.Share {
        let opportunity = try await opportunityService.record(record.opportunityID).map(Components.Schemas.Opportunity.init)
        return .init(
            id: record.id.uuidString.lowercased(), opportunityId: record.opportunityID.uuidString.lowercased(),
            kind: record.isLink ? .link : .user, recipientEmail: record.recipientEmail, sharedBy: record.sharedBy,
            note: record.note, expiresAt: record.expiresAt, createdAt: record.createdAt, active: record.active,
            opportunity: opportunity)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
