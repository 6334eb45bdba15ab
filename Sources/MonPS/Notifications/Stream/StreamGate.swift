import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Decides whether a WebSocket upgrade of `GET /v1/stream` goes ahead, with the same credential checks as every
/// other request (`IdentityService`, and the operation's access rule read from the contract) or a one-time ticket.
///
/// A refusal is not answered here: the upgrade channel hands the request to the router, whose middleware and the
/// `openStream` handler answer it (401, 403, 429, 503) as a problem document. So this only says yes or no.
struct StreamGate: Sendable {
    static let path = "/v1/stream"

    let identity: IdentityService
    /// `GET /v1/stream`'s rule from the contract (bearer or API token, `read:public`).
    let rule: AccessRule
    let tickets: StreamTickets
    let hub: StreamHub
    let log: NotificationLog
    let preferences: StreamPreferences
    let trustedProxies: TrustedProxies
    let now: @Sendable () -> Date

    /// The stream to run for this upgrade request, or nil to let the router answer it.
    func decide(_ request: HTTPRequest, channel: any Channel, logger: Logger) async -> StreamUpgradeChannel.Session? {
        let uri = URI(request.path ?? "/")
        guard request.method == .get, uri.path == Self.path else { return nil }
        let query = uri.queryParameters
        var after: Int64?
        if let text = query["after"].map(String.init) {
            guard let value = Int64(text), value >= 0 else { return nil }  // the router answers 400
            after = value
        } else if let text = request.headerFields[Self.lastEventID], let value = Int64(text), value >= 0 {
            after = value
        }
        do {
            guard let userID = try await caller(request, ticket: query["ticket"].map(String.init), channel: channel)
            else { return nil }
            let session = try hub.open(userID: userID)
            var start = after ?? 0
            do {
                // Registered first, then the newest id read: an event committed in between wakes the session.
                if after == nil { start = try await log.latestID(userID: userID) }
            } catch {
                hub.remove(session)
                throw error
            }
            let connection = StreamConnection(
                session: session, startAfter: start, log: log, preferences: preferences, settings: hub.settings, hub: hub,
                now: now)
            return { inbound, outbound, context in
                await connection.run(inbound: inbound, outbound: outbound, context: context)
            }
        } catch {
            // Refused credentials, the per-user cap, a shutdown or an outage: the router says which.
            logger.debug("live stream upgrade refused", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// The user behind the `Authorization` header (checked against the operation's rule) or the ticket.
    private func caller(_ request: HTTPRequest, ticket: String?, channel: any Channel) async throws -> UUID? {
        if let header = request.headerFields[.authorization] {
            guard let bearer = AuthenticationMiddleware.bearerToken(header) else { return nil }
            let peer = channel.remoteAddress?.ipAddress
            let audit = AuditContext(
                ip: trustedProxies.clientAddress(
                    peer: peer, forwardedFor: request.headerFields[values: ForwardedClientMiddleware.forwardedFor]) ?? peer,
                userAgent: request.headerFields[.userAgent])
            let principal = try await identity.authenticate(bearer: bearer, context: audit, verified: nil)
            try AuthenticationMiddleware.authorize(principal, rule: rule)
            return principal.userID
        }
        guard let ticket else { return nil }
        return try await tickets.redeem(ticket)
    }

    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
