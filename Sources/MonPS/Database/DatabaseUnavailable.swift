import _ConnectionPoolModule
import PostgresNIO

/// PostgreSQL cannot serve a statement right now: it is unreachable, shutting down or restarting, or no pooled
/// connection could be had within the lease deadline. A request that meets this should be retried shortly,
/// which is what the HTTP edge tells the client (503 with `Retry-After`).
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// No connection could be made (refused, timed out, or the pool's circuit breaker is open).
        case unreachable
        /// The server ended the connection while it was in use (crash, `pg_ctl stop`, admin shutdown 57P01).
        case connectionLost
        /// The server is starting up, shutting down or out of connection slots (57P03, 53300).
        case notAcceptingConnections
        /// Every pooled connection stayed busy past the lease deadline.
        case poolExhausted
    }

    /// What became of a change that was being written when the database went away.
    public enum WriteOutcome: String, Sendable {
        /// The transaction was rolled back, or never began: nothing of it is stored.
        case notApplied
        /// The connection was lost while COMMIT was in flight: the change may or may not be stored.
        case unknown
    }

    public var reason: Reason
    /// Set for failures inside `Database.transaction`; nil for reads and single statements.
    public var writeOutcome: WriteOutcome?
    /// The driver's error, for the log only (never sent to clients).
    public var underlying: String

    public var description: String {
        "database unavailable (\(reason.rawValue)\(writeOutcome.map { ", write \($0.rawValue)" } ?? "")): \(underlying)"
    }

    /// The same condition, met while a transaction was writing.
    func during(_ outcome: WriteOutcome) -> DatabaseUnavailable {
        var copy = self
        copy.writeOutcome = copy.writeOutcome ?? outcome
        return copy
    }

    /// The unavailability `error` stands for, or nil when it is an ordinary statement failure (a constraint,
    /// a syntax error, a domain error thrown by a transaction's body).
    static func classify(_ error: any Error) -> DatabaseUnavailable? {
        switch error {
        case let unavailable as DatabaseUnavailable:
            return unavailable
        case let pool as ConnectionPoolError where pool == .connectionCreationCircuitBreakerTripped || pool == .poolShutdown:
            return DatabaseUnavailable(reason: .unreachable, underlying: String(describing: pool))
        case let psql as PSQLError:
            guard let reason = reason(for: psql) else { return nil }
            return DatabaseUnavailable(reason: reason, underlying: String(reflecting: psql))
        default:
            return nil
        }
    }

    private static func reason(for error: PSQLError) -> Reason? {
        switch error.code {
        case .connectionError, .poolClosed:
            return .unreachable
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .connectionLost
        case .server:
            guard let state = error.serverInfo?[.sqlState] else { return nil }
            // Class 08: connection exception. 57P01–57P03: admin/crash shutdown, cannot connect now.
            // 53300: too many connections.
            if state.hasPrefix("08") { return .connectionLost }
            if state == "57P01" || state == "57P02" { return .connectionLost }
            if state == "57P03" || state == "53300" { return .notAcceptingConnections }
            return nil
        default:
            return nil
        }
    }
}
