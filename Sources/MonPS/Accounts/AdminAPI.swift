import Foundation
import MonPSAPI
import OpenAPIRuntime

/// Operations of the `admin` tag: user management and the audit log.
extension APIHandler {
    func adminListUsers(_ input: Operations.AdminListUsers.Input) async throws -> Operations.AdminListUsers.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let filter = UserListFilter(
            emailContains: input.query.email, role: input.query.role.map(Role.init),
            status: input.query.status.map(UserStatus.init))
        let fetched = try await auth.admin.listUsers(
            actor: principal, filter: filter, afterID: try page.afterUUID(), limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [$0.id.uuidString.lowercased()] }
        return .ok(.init(body: .json(.init(data: items.map(Components.Schemas.User.init), nextCursor: .init(next)))))
    }

    func adminCreateUser(_ input: Operations.AdminCreateUser.Input) async throws -> Operations.AdminCreateUser.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let (user, generated) = try await auth.admin.createUser(
            actor: principal, email: body.email, password: body.password, displayName: body.displayName,
            role: Role(body.role), context: .current)
        return .created(.init(body: .json(.init(user: .init(user), generatedPassword: generated))))
    }

    func adminUpdateUser(_ input: Operations.AdminUpdateUser.Input) async throws -> Operations.AdminUpdateUser.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        let user = try await auth.admin.updateUser(
            actor: principal, id: try UUID.parameter(input.path.id), role: body.role.map(Role.init),
            disabled: body.disabled, context: .current)
        return .ok(.init(body: .json(.init(user))))
    }

    func adminDeleteUser(_ input: Operations.AdminDeleteUser.Input) async throws -> Operations.AdminDeleteUser.Output {
        let principal = try RequestScope.requirePrincipal()
        try await auth.admin.deleteUser(actor: principal, id: try UUID.parameter(input.path.id), context: .current)
        return .noContent(.init())
    }

    func adminListAuditLog(_ input: Operations.AdminListAuditLog.Input) async throws -> Operations.AdminListAuditLog.Output {
        let principal = try RequestScope.requirePrincipal()
        let page = try PageRequest(limit: input.query.limit, cursor: input.query.cursor)
        let afterID = try page.after.map { values throws(APIError) -> Int64 in
            guard let id = values.first.flatMap(Int64.init) else { throw .invalidParameter("cursor", "is not a cursor returned by this API") }
            return id
        }
        let fetched = try await auth.admin.auditLog(
            actor: principal, filter: AuditFilter(action: input.query.action), afterID: afterID, limit: page.limit + 1)
        let (items, next) = page.page(fetched) { [String($0.id)] }
        return .ok(.init(body: .json(.init(data: try items.map(Components.Schemas.AuditEntry.init), nextCursor: .init(next)))))
    }
}

extension Components.Schemas.AuditEntry {
    init(_ event: AuditEvent) throws {
        let details = try OpenAPIValueTree.object(json: event.detailsJSON)
        self.init(
            id: event.id, occurredAt: event.occurredAt, action: event.action,
            actorUserId: event.actorUserID?.uuidString.lowercased(), targetType: event.targetType, targetId: event.targetID,
            ip: event.ip, requestId: event.requestID, details: .init(additionalProperties: details))
    }
}

extension UUID {
    /// A path or cursor id; a malformed one is a 404 (it names nothing), not a 400 that hints at the format.
    static func parameter(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw APIError.notFound("no such resource") }
        return id
    }
}

extension PageRequest {
    /// The keyset position of id-ordered lists.
    func afterUUID() throws(APIError) -> UUID? {
        guard let after else { return nil }
        guard let raw = after.first, let id = UUID(uuidString: raw) else {
            throw .invalidParameter("cursor", "is not a cursor returned by this API")
        }
        return id
    }
}
