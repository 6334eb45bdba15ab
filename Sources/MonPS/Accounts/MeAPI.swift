import Foundation
import MonPSAPI

/// Operations of the `me` tag and the `tokens` tag: the signed-in account and its API tokens.
extension APIHandler {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try RequestScope.requirePrincipal()
        return .ok(.init(body: .json(.init(try await auth.identity.me(userID: principal.userID)))))
    }

    func updateMe(_ input: Operations.UpdateMe.Input) async throws -> Operations.UpdateMe.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let update = try await auth.identity.updateProfile(
            userID: principal.userID, displayName: body.displayName, currentPassword: body.currentPassword,
            newPassword: body.newPassword, context: .current)
        return .ok(.init(body: .json(.init(update.user))))
    }

    func listAPITokens(_ input: Operations.ListAPITokens.Input) async throws -> Operations.ListAPITokens.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let fetched = try await auth.identity.listAPITokens(
            userID: principal.userID, afterID: try page.afterUUID(), limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [$0.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.APIToken.init), nextCursor: .init(next)))))
    }

    func createAPIToken(_ input: Operations.CreateAPIToken.Input) async throws -> Operations.CreateAPIToken.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let scopes = Set(try body.scopes.map { try $0.bridged(Scope.self) })
        let (token, secret) = try await auth.identity.createAPIToken(
            principal: principal, name: body.name, scopes: scopes, expiresAt: body.expiresAt,
            currentPassword: body.currentPassword, context: .current)
        return .created(.init(body: .json(.init(token: try .init(token), secret: secret))))
    }

    func revokeAPIToken(_ input: Operations.RevokeAPIToken.Input) async throws -> Operations.RevokeAPIToken.Output {
        let principal = try RequestScope.requirePrincipal()
        try await auth.identity.revokeAPIToken(principal: principal, id: try UUID.parameter(input.path.id), context: .current)
        return .noContent(.init())
    }
}

extension Components.Schemas.APIToken {
    init(_ token: APITokenRecord) throws {
        self.init(
            id: token.id.uuidString.lowercased(), name: token.name, prefix: token.displayPrefix,
            scopes: try token.scopes.sorted().map { try $0.bridged() }, createdAt: token.createdAt,
            expiresAt: token.expiresAt, lastUsedAt: token.lastUsedAt, lastUsedIp: token.lastUsedIP)
    }
}
