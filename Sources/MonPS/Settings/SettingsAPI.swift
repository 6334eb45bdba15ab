import Foundation
import MonPSAPI
import MonPSCore

/// Operations of the `settings` tag: the caller's own preferences only.
extension APIHandler {
    func getSettings(_ input: Operations.GetSettings.Input) async throws -> Operations.GetSettings.Output {
        let principal = try RequestScope.requirePrincipal()
        return .ok(.init(body: .json(try .init(try await userSettings.get(userID: principal.userID)))))
    }

    func replaceSettings(_ input: Operations.ReplaceSettings.Input) async throws -> Operations.ReplaceSettings.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("expected application/json") }
        let principal = try RequestScope.requirePrincipal()
        var settings = UserSettingsRecord()
        if let raw = body.defaultBankrollId {
            guard let id = UUID(uuidString: raw) else {
                throw BettingError.validation(field: "default_bankroll_id", message: "must be a bankroll id")
            }
            settings.defaultBankrollID = id
        }
        if let value = body.kellyFraction { settings.kellyFraction = value }
        if let value = body.maxStakePct { settings.maxStakePct = value }
        if let value = body.minEdge { settings.minEdge = value }
        if let value = body.devigMethod {
            settings.devigMethod = try value.bridged()
        }
        if let value = body.sharpBookmaker { settings.sharpBookmaker = value }
        if let value = body.timeZone { settings.timeZone = value }
        if let value = body.alerts {
            settings.alerts = AlertPreferences(value)
        }
        let saved = try await userSettings.replace(userID: principal.userID, with: settings)
        return .ok(.init(body: .json(try .init(saved))))
    }
}

extension Components.Schemas.UserSettings {
    init(_ record: UserSettingsRecord) throws {
        let method: Components.Schemas.DevigMethod = try record.devigMethod.bridged()
        self.init(
            defaultBankrollId: record.defaultBankrollID?.uuidString.lowercased(), kellyFraction: record.kellyFraction,
            maxStakePct: record.maxStakePct, minEdge: record.minEdge, devigMethod: method,
            sharpBookmaker: record.sharpBookmaker, timeZone: record.timeZone,
            alerts: record.alerts.api,
            updatedAt: record.updatedAt)
    }
}
