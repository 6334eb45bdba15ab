import Foundation
import MonPSAPI

/// Operations of the `auth` tag: registration, login, refresh rotation, logout.
extension APIHandler {
    func register(_ input: Operations.Register.Input) async throws -> Operations.Register.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        // Open or closed as the platform settings say (an admin's switch over MONPS_REGISTRATION_OPEN).
        guard platform.registrationOpen else { throw IdentityError.registrationClosed }
        // Any `role` a client adds to the body is not even decoded: new accounts are always `user`.
        let verify = platform.emailVerificationRequired
        let user = try await auth.identity.register(
            email: body.email, password: body.password, displayName: body.displayName, requireVerification: verify,
            context: .current)
        if verify { auth.mailer.requestVerification(email: user.email) }
        return .created(.init(body: .json(.init(user))))
    }

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let client = RequestScope.current?.clientAddress
        // A throttled or locked account gets exactly the answer a wrong password gets.
        if case .locked = await auth.loginThrottle.check(email: body.email, ip: client) {
            throw IdentityError.invalidCredentials
        }
        // Cookie mode (browsers): only this server's own pages may ask for the refresh cookie.
        let cookieMode = body.session == .cookie
        if cookieMode { try (BrowserSession.current ?? BrowserSession()).requireSameOrigin() }
        do {
            let pair = try await auth.identity.login(
                email: body.email, password: body.password, requireVerifiedEmail: platform.emailVerificationRequired,
                context: .current)
            await auth.loginThrottle.recordSuccess(email: body.email, ip: client)
            guard cookieMode else { return .ok(.init(body: .json(.init(pair)))) }
            BrowserSession.send(cookie: BrowserSession.setCookie(token: pair.refreshToken, maxAge: pair.refreshExpiresIn))
            return .ok(.init(body: .json(.init(pair, includingRefreshToken: false))))
        } catch IdentityError.invalidCredentials {
            await auth.loginThrottle.recordFailure(email: body.email, ip: client)
            throw IdentityError.invalidCredentials
        }
    }

    func refreshTokens(_ input: Operations.RefreshTokens.Input) async throws -> Operations.RefreshTokens.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        if let token = body.refreshToken {
            let pair = try await auth.identity.refresh(refreshToken: token, context: .current)
            return .ok(.init(body: .json(.init(pair))))
        }
        // Cookie mode: `{}` plus the `monps_refresh` cookie, the CSRF header and this server's origin.
        let session = BrowserSession.current ?? BrowserSession()
        try session.requireCSRFProof()
        guard let cookie = session.refreshCookie else { throw IdentityError.invalidRefreshToken }
        let pair = try await auth.identity.refresh(refreshToken: cookie, context: .current)
        BrowserSession.send(cookie: BrowserSession.setCookie(token: pair.refreshToken, maxAge: pair.refreshExpiresIn))
        return .ok(.init(body: .json(.init(pair, includingRefreshToken: false))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        if let token = body.refreshToken {
            try await auth.identity.logout(refreshToken: token, context: .current)
            return .noContent(.init())
        }
        // Cookie mode: revokes the cookie's session (if any) and expires the cookie.
        let session = BrowserSession.current ?? BrowserSession()
        try session.requireCSRFProof()
        if let cookie = session.refreshCookie {
            try await auth.identity.logout(refreshToken: cookie, context: .current)
        }
        BrowserSession.send(cookie: BrowserSession.expiredCookie)
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
    /// Without the refresh token in cookie mode, where it travels only in the HttpOnly cookie.
    init(_ pair: TokenPair, includingRefreshToken: Bool = true) {
        self.init(
            accessToken: pair.accessToken, tokenType: .bearer, expiresIn: pair.expiresIn,
            refreshToken: includingRefreshToken ? pair.refreshToken : nil, refreshExpiresIn: pair.refreshExpiresIn)
    }
}

extension Components.Schemas.User {
    init(_ user: UserRecord) {
        self.init(
            id: user.id.uuidString.lowercased(), email: user.email, displayName: user.displayName,
            role: .init(user.role), status: .init(user.status),
            createdAt: user.createdAt)
    }
}
