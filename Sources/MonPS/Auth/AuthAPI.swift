import Foundation
import MonPSAPI

/// Operations of the `auth` tag: registration, login, refresh rotation, logout.
extension APIHandler {
    func register(_ input: Operations.Register.Input) async throws -> Operations.Register.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        // Open or closed as the platform settings say (an admin's switch over MONPS_REGISTRATION_OPEN).
        guard platform.registrationOpen else { throw IdentityError.registrationClosed }
        // Any `role` a client adds to the body is not even decoded: new accounts are always `user`.
        let user = try await auth.identity.register(
            email: body.email, password: body.password, displayName: body.displayName, context: .current)
        return .created(.init(body: .json(.init(user))))
    }

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let client = RequestScope.current?.clientAddress
        // A throttled or locked account gets exactly the answer a wrong password gets.
        if case .locked = await auth.loginThrottle.check(email: body.email, ip: client) {
            throw IdentityError.invalidCredentials
        }
        do {
            let pair = try await auth.identity.login(email: body.email, password: body.password, context: .current)
            await auth.loginThrottle.recordSuccess(email: body.email, ip: client)
            return .ok(.init(body: .json(.init(pair))))
        } catch IdentityError.invalidCredentials {
            await auth.loginThrottle.recordFailure(email: body.email, ip: client)
            throw IdentityError.invalidCredentials
        }
    }

    func refreshTokens(_ input: Operations.RefreshTokens.Input) async throws -> Operations.RefreshTokens.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let pair = try await auth.identity.refresh(refreshToken: body.refreshToken, context: .current)
        return .ok(.init(body: .json(.init(pair))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        try await auth.identity.logout(refreshToken: body.refreshToken, context: .current)
        return .noContent(.init())
    }

    func logoutAll(_ input: Operations.LogoutAll.Input) async throws -> Operations.LogoutAll.Output {
        let principal = try RequestScope.requirePrincipal()
        try await auth.identity.logoutAll(userID: principal.userID, context: .current)
        return .noContent(.init())
    }
}

extension AuditContext {
    /// The audit facts of the request being served.
    static var current: AuditContext {
        let scope = RequestScope.current
        return AuditContext(ip: scope?.clientAddress, requestID: scope?.requestID, userAgent: scope?.userAgent)
    }
}

extension Components.Schemas.TokenResponse {
    init(_ pair: TokenPair) {
        self.init(
            accessToken: pair.accessToken, tokenType: .bearer, expiresIn: pair.expiresIn, refreshToken: pair.refreshToken,
            refreshExpiresIn: pair.refreshExpiresIn)
    }
}

extension Components.Schemas.User {
    init(_ user: UserRecord) {
        self.init(
            id: user.id.uuidString.lowercased(), email: user.email, displayName: user.displayName,
            role: .init(rawValue: user.role.rawValue)!, status: .init(rawValue: user.status.rawValue)!,
            createdAt: user.createdAt)
    }
}
