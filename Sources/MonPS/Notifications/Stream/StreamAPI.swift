import Foundation
import MonPSAPI

/// The HTTP side of the live stream. The upgrade itself never reaches these handlers: `StreamUpgradeChannel`
/// takes it before the router. What does reach `openStream` is a GET without an upgrade, or an upgrade that was
/// refused after the middleware let it through (the per-account cap, a shutdown).
extension APIHandler {
    func openStream(_ input: Operations.OpenStream.Input) async throws -> Operations.OpenStream.Output {
        let principal = try RequestScope.requirePrincipal()
        if let refusal = notifications.streams.refusal(for: principal.userID) { throw refusal }
        throw APIError.upgradeRequired
    }

    func createStreamTicket(_ input: Operations.CreateStreamTicket.Input) async throws
        -> Operations.CreateStreamTicket.Output
    {
        let principal = try RequestScope.requirePrincipal()
        let issued = try await notifications.tickets.issue(userID: principal.userID)
        return .created(.init(body: .json(.init(ticket: issued.ticket, expiresAt: issued.expiresAt))))
    }
}
