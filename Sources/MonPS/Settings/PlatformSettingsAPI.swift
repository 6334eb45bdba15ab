import Foundation
import MonPSAPI
import OpenAPIRuntime

/// `GET/PUT /v1/admin/settings`.
extension APIHandler {
    func adminGetSettings(_ input: Operations.AdminGetSettings.Input) async throws -> Operations.AdminGetSettings.Output {
        try await platform.reload()
        return .ok(.init(body: .json(try PlatformSettingsView.render(platform))))
    }

    func adminUpdateSettings(_ input: Operations.AdminUpdateSettings.Input) async throws -> Operations.AdminUpdateSettings.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        var change = PlatformSettingsChange()
        change.oddsAPIKey = body.oddsApiKey
        change.oddsIntervals = body.oddsIntervals?.additionalProperties
        change.settlementInterval = body.settlementIntervalSeconds
        change.clvInterval = body.clvIntervalSeconds
        change.registrationOpen = body.registrationOpen
        change.emailVerification = body.emailVerification
        if let limits = body.rateLimits {
            change.rateLimitsJSON = String(decoding: try JSONEncoder().encode(limits), as: UTF8.self)
        }
        change.reset = Set((body.reset ?? []).map(\.rawValue))
        _ = try await PlatformSettingsWriter(store: platform, audit: auth.admin.audit)
            .apply(change, actor: principal.userID, context: .current)
        return .ok(.init(body: .json(try PlatformSettingsView.render(platform))))
    }
}

enum PlatformSettingsView {
    static func render(_ store: PlatformSettingsStore) throws -> Components.Schemas.AdminSettings {
        let current = store.current
        let source: Components.Schemas.AdminSettings.OddsApiKeyPayload.SourcePayload
        let last4: String?
        if current.oddsAPIKeySealed != nil {
            source = .settings
            last4 = current.oddsAPIKeyLast4
        } else if let key = store.config.oddsAPIKey {
            source = .environment
            last4 = String(key.suffix(4))
        } else {
            source = .none
            last4 = nil
        }
        let limits = try current.rateLimitsJSON.map {
            try JSONDecoder().decode(Components.Schemas.AdminSettings.RateLimitsPayload.self, from: Data($0.utf8))
        }
        return .init(
            oddsApiKey: .init(configured: source != .none, source: source, last4: last4),
            oddsIntervals: .init(additionalProperties: current.oddsIntervals),
            defaultOddsIntervalSeconds: Int(store.config.oddsInterval.components.seconds),
            settlementIntervalSeconds: Int(store.settlementInterval.components.seconds),
            clvIntervalSeconds: Int(store.clvInterval.components.seconds),
            registrationOpen: store.registrationOpen, emailVerification: store.emailVerificationRequired, rateLimits: limits,
            updatedAt: current.updatedAt)
    }
}
