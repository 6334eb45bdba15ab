import Foundation

/// A parsed `postgres://` URL. The password is kept out of `description` so it never reaches a log.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int, username: String, password: String?, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    public init(parsing raw: String) throws(ConfigError) {
        let setting = "DATABASE_URL"
        guard let components = URLComponents(string: raw), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else { throw ConfigError(setting, "expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw ConfigError(setting, "the host is missing") }
        guard let user = components.user, !user.isEmpty else { throw ConfigError(setting, "the user name is missing") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw ConfigError(setting, "the database name is missing (…/database)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw ConfigError(setting, "the port must be in 1...65535") }
        var tls = TLSMode.disable
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw ConfigError(setting, "sslmode must be disable, prefer or require, got \"\(mode)\"")
            }
            tls = parsed
        }
        self.init(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database, tls: tls)
    }

    /// The same server, another database (the test harness clones per-suite databases this way).
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
